// Preloaded (node --require) into `serverless offline` by local-stack.mjs: when the process that
// started it is gone (a crashed or SIGKILLed test runner), kill the whole offline process group
// instead of leaving it bound to its ports.
const { isMainThread } = require('node:worker_threads');

const parent = Number(process.env.COGAUTH_PARENT_PID);
if (isMainThread && Number.isInteger(parent) && parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      try {
        process.kill(-process.pid, 'SIGKILL');
      } finally {
        process.exit(1);
      }
    }
  }, 1000).unref();
}
