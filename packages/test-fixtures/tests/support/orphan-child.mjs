// Starts cognito-local, reports it, then dies without calling stop(): argv[2] = 'exit' | 'sigkill'.
import { startCognitoLocal } from '../../dist/index.js';

const local = await startCognitoLocal();
process.stdout.write(
  `${JSON.stringify({ pid: local.pid, port: local.port, dataDir: local.dataDir })}\n`,
  () => {
    if (process.argv[2] === 'sigkill') process.kill(process.pid, 'SIGKILL');
    else process.exit(0);
  },
);
