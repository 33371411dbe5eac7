// Preloaded (`node --require`) into the built CLI by tests/e2e/rotation.test.ts: the first write to a file
// whose path contains COGAUTH_TEST_CRASH_PATH (the session file, or its temp file beside it) puts half of
// its bytes down and then the process dies with SIGKILL, as in a power cut or an OOM kill mid-write.
// It patches node:fs and syncs the ESM named exports the bundled CLI imports.
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');

const marker = process.env.COGAUTH_TEST_CRASH_PATH;
const watched = new Set();
const { openSync, writeSync } = fs;

fs.openSync = function patchedOpen(path, ...rest) {
  const fd = openSync.call(this, path, ...rest);
  if (marker && String(path).includes(marker)) watched.add(fd);
  return fd;
};

fs.writeSync = function patchedWrite(fd, data, ...rest) {
  if (!watched.has(fd)) return writeSync.call(this, fd, data, ...rest);
  const bytes = Buffer.from(typeof data === 'string' ? data : Buffer.from(data));
  writeSync.call(this, fd, bytes.subarray(0, Math.floor(bytes.length / 2)));
  process.kill(process.pid, 'SIGKILL');
  return bytes.length;
};

syncBuiltinESMExports();
