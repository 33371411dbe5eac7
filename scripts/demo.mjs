// `pnpm demo`: the whole flow on this machine, no AWS account. cognito-local stands in for Cognito,
// `serverless offline` for API Gateway + Lambda, with the real authorizer bundle and the real `cogauth`
// CLI. Prints user × route → status for the REST and the HTTP API, with the authorizer's decision log,
// stops everything it started (also on Ctrl-C or failure) and exits 1 if any status is unexpected.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SAMPLE_POOL, SAMPLE_ROUTES } from '../packages/sample/dist/index.js';
import { startLocalStack } from '../packages/test-fixtures/dist/index.js';

const COGAUTH = fileURLToPath(new URL('../apps/token-cli/bin/cogauth.js', import.meta.url));
const SERVICE_DIR = fileURLToPath(new URL('../apps/serverless-authorizer', import.meta.url));
const run = promisify(execFile);

/** The status each caller must get, and why. */
function expected(caller, route) {
  if (caller.kind === 'none') return [401, 'no token'];
  if (caller.kind === 'tampered') return [401, 'tampered signature'];
  if (route.group && !caller.groups.includes(route.group)) return [403, `not in group ${route.group}`];
  return [200, route.group ? `in group ${route.group}` : 'signed in'];
}

/** Real login through the CLI, as a developer would run it; the password goes in on stdin. */
async function cliLogin(stack, username, password) {
  const child = run(
    process.execPath,
    [
      COGAUTH,
      'login',
      '--endpoint',
      stack.cognito.endpoint,
      '--user-pool-id',
      stack.pool.poolId,
      '--client-id',
      stack.client.clientId,
      '--auth-flow',
      'USER_PASSWORD_AUTH',
      '--username',
      username,
      '--password-stdin',
      '--print',
      'access',
      '--no-save',
    ],
    { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
  );
  child.child.stdin.end(`${password}\n`);
  const { stdout } = await child;
  return stdout.trim();
}

/** Flip one character in the middle of the signature: still well-formed base64url, wrong signature. */
function tamper(token) {
  const dot = token.lastIndexOf('.');
  const i = dot + Math.floor((token.length - dot) / 2);
  return `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
}

async function call(baseUrl, route, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}${route.examplePath}`, {
    method: route.method,
    headers,
    body: route.method === 'POST' ? JSON.stringify({ text: 'hello from the demo' }) : undefined,
    signal: AbortSignal.timeout(15_000),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The authorizer's decision lines that serverless offline printed after `from`. */
function decisionsSince(output, from) {
  return output
    .slice(from)
    .split('\n')
    .filter((line) => line.includes('cogauth authorizer decision'))
    .map((line) => {
      const json = line.slice(line.indexOf('{'));
      try {
        const d = JSON.parse(json);
        return `${d.decision}/${d.reason}`;
      } catch {
        return json.trim();
      }
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const started = Date.now();
  process.stdout.write('Starting cognito-local and serverless offline (127.0.0.1, free ports)…\n');
  const stack = await startLocalStack({
    serviceDir: SERVICE_DIR,
    ...SAMPLE_POOL,
  });
  const stopAll = async () => {
    await stack.stop();
  };
  const onSignal = () => {
    process.stdout.write('\nInterrupted: stopping everything…\n');
    stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    process.stdout.write(
      `pool ${stack.pool.poolId}, client ${stack.client.clientId}\n` +
        `REST API ${stack.restUrl}   HTTP API ${stack.httpApiUrl}\n\n`,
    );
    const callers = [{ name: '(no token)', kind: 'none', groups: [] }];
    for (const user of Object.values(stack.users)) {
      const token = await cliLogin(stack, user.username, user.password);
      if (token.split('.').length !== 3)
        throw new Error(`cogauth login printed no token for ${user.username}`);
      process.stdout.write(`cogauth login -u ${user.username} … → access token (${token.length} chars)\n`);
      callers.push({ name: user.username, kind: 'user', groups: user.groups, token });
    }
    const writer = callers.find((c) => c.name === 'writer');
    callers.splice(1, 0, {
      name: 'writer, tampered',
      kind: 'tampered',
      groups: [],
      token: tamper(writer.token),
    });

    const rows = [];
    let failures = 0;
    for (const caller of callers) {
      for (const route of SAMPLE_ROUTES) {
        const [want, reason] = expected(caller, route);
        const mark = stack.offline.output().length;
        const rest = await call(stack.restUrl, route, caller.token);
        const http = await call(stack.httpApiUrl, route, caller.token);
        await sleep(20); // let serverless offline flush the authorizer's log lines
        const ok = rest === want && http === want;
        if (!ok) failures++;
        rows.push([
          caller.name,
          `${route.method} ${route.examplePath}`,
          String(rest),
          String(http),
          String(want),
          ok ? 'ok' : 'MISMATCH',
          reason,
          decisionsSince(stack.offline.output(), mark).join(' ') ||
            (caller.kind === 'none' ? 'none: API Gateway answers 401 itself' : '-'),
        ]);
      }
    }
    printTable(
      ['caller', 'route', 'REST', 'HTTP API', 'expected', '', 'why', 'authorizer decisions (REST, HTTP)'],
      rows,
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      failures === 0
        ? `\nAll ${rows.length * 2} calls answered as expected (${seconds} s).\n`
        : `\n${failures} of ${rows.length} rows differ from the expected status (${seconds} s).\n`,
    );
    process.stdout.write(`demo: ${rows.length - failures} passed, ${failures} failed\n`);
    return failures === 0 ? 0 : 1;
  } finally {
    await stopAll();
  }
}

function printTable(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`${line(head)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
