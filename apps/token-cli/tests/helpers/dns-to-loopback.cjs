// Preloaded (`node -r`) into the CLI by tests that must see which host it would contact without leaving
// 127.0.0.1: every DNS lookup is written to stderr as `lookup <host>` and answered with 127.0.0.1.
const dns = require('node:dns');

dns.lookup = (host, options, callback) => {
  const done = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options !== null && options.all === true;
  process.stderr.write(`lookup ${host}\n`);
  if (all) done(null, [{ address: '127.0.0.1', family: 4 }]);
  else done(null, '127.0.0.1', 4);
};
