// Starts the local stack (cognito-local + serverless offline + the real authorizer bundle) and keeps it
// up until Ctrl-C. It writes shell variables for curl (the URLs, the pool and the users' access tokens)
// to a file another shell can source, and prints them without the tokens:
//
//   node scripts/local.mjs [--write-env .local.env]
//
// The file is created with mode 600 and removed on exit. Tokens live 24 h (cognito-local's lifetime).
import { chmod, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SAMPLE_POOL } from '@cogauth/sample';
import { startLocalStack } from '@cogauth/test-fixtures';

const { values } = parseArgs({ options: { 'write-env': { type: 'string', default: '.local.env' } } });
const envFile = resolve(values['write-env']);

const stack = await startLocalStack({
  serviceDir: fileURLToPath(new URL('..', import.meta.url)),
  ...SAMPLE_POOL,
});
let stopping = false;
const shutdown = async (code) => {
  if (stopping) return;
  stopping = true;
  await stack.stop();
  await rm(envFile, { force: true });
  process.exit(code);
};
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  const lines = [
    `REST=${stack.restUrl}`,
    `HTTP=${stack.httpApiUrl}`,
    `POOL_ID=${stack.pool.poolId}`,
    `CLIENT_ID=${stack.client.clientId}`,
    `ISSUER=${stack.pool.issuer}`,
    `COGNITO_ENDPOINT=${stack.cognito.endpoint}`,
  ];
  const tokens = Object.values(stack.users).map((u) => `${u.username.toUpperCase()}=${u.tokens.accessToken}`);
  await writeFile(envFile, `${[...lines, ...tokens].join('\n')}\n`, { mode: 0o600 });
  await chmod(envFile, 0o600);
  console.log(lines.join('\n'));
  console.log(`READER, WRITER, ADMIN: access tokens, in ${envFile}`);
  console.log(`\n. ${envFile}  # in another shell, then curl; Ctrl-C here stops everything`);
} catch (error) {
  console.error(error);
  await shutdown(1);
}
