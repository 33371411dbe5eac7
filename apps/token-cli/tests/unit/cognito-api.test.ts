import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cognitoEndpoint, cognitoFailure } from '../../src/cognito.js';
import { CognitoError, cognitoApiAt, errorTypeOf } from '../../src/cognito-api.js';
import { UsageError } from '../../src/errors.js';
import { runCli } from '../helpers/run-cli.js';

// The CLI's own Cognito client (no AWS SDK) against a server on 127.0.0.1 that answers as told.

interface Seen {
  method: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}
type Answer = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let url: URL;
let answer: Answer;
const seen: Seen[] = [];

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body });
      answer(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const initiate = {
  AuthFlow: 'USER_PASSWORD_AUTH',
  ClientId: 'client-1',
  AuthParameters: { USERNAME: 'alice', PASSWORD: 'S3cret-Passw0rd!' },
} as const;

describe('cognitoApiAt', () => {
  it('POSTs AWS JSON 1.1 with the operation in X-Amz-Target, and keeps only typed fields of the answer', async () => {
    answer = json(200, {
      AuthenticationResult: { AccessToken: 'a.b.c', IdToken: 7, ExpiresIn: 3600, RefreshToken: 'r' },
      ChallengeParameters: { USERNAME: 'alice', bogus: { x: 1 } },
      Extra: 'ignored',
    });
    const out = await cognitoApiAt(url).call('InitiateAuth', {
      ...initiate,
      AuthParameters: { ...initiate.AuthParameters },
    });
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(seen[0]?.headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.InitiateAuth');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual(initiate);
    expect(out).toEqual({
      AuthenticationResult: { AccessToken: 'a.b.c', ExpiresIn: 3600, RefreshToken: 'r' },
      ChallengeParameters: { USERNAME: 'alice' },
    });
  });

  it('maps the error type from __type (namespaced), code or X-Amzn-ErrorType, with the message', async () => {
    const api = cognitoApiAt(url);
    const cases: Array<[Answer, string, string]> = [
      [
        json(400, {
          __type: 'com.amazonaws.cognito#NotAuthorizedException',
          message: 'Incorrect username or password.',
        }),
        'NotAuthorizedException',
        'Incorrect username or password.',
      ],
      [
        json(400, { code: 'UserNotFoundException', Message: 'User does not exist.' }),
        'UserNotFoundException',
        'User does not exist.',
      ],
      [
        json(
          400,
          { message: 'slow down' },
          { 'x-amzn-errortype': 'TooManyRequestsException:http://internal.amazon.com/' },
        ),
        'TooManyRequestsException',
        'slow down',
      ],
      [json(502, '<html>bad gateway</html>'), 'HTTP502', 'Cognito answered HTTP 502 without an error type'],
    ];
    for (const [reply, code, message] of cases) {
      answer = reply;
      const error = await api.call('GetUser', { AccessToken: 'a.b.c' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CognitoError);
      expect((error as CognitoError).code).toBe(code);
      expect((error as CognitoError).message).toBe(message);
    }
  });

  it('a 200 that is not a JSON object is an error, not an empty success', async () => {
    answer = json(200, '[1,2]');
    await expect(cognitoApiAt(url).call('GetUser', { AccessToken: 'a.b.c' })).rejects.toThrow(
      /HTTP 200 without a JSON object/,
    );
  });

  it('error types are plain identifiers; anything else is not trusted as one', () => {
    expect(errorTypeOf('aws.cognito#ExpiredCodeException')).toBe('ExpiredCodeException');
    expect(errorTypeOf('InvalidParameterException:http://x/')).toBe('InvalidParameterException');
    expect(errorTypeOf('\u001b[31mRed')).toBeUndefined();
    expect(errorTypeOf('')).toBeUndefined();
  });

  it('never puts the request body (password) into an error', async () => {
    answer = json(400, { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    const error = (await cognitoApiAt(url)
      .call('InitiateAuth', initiate)
      .catch((e: unknown) => e)) as Error;
    const failure = cognitoFailure('login failed', error, { endpoint: url.href });
    for (const text of [error.message, String(error.stack), failure.message, String(failure.stack)]) {
      expect(text).not.toContain('S3cret');
    }
    expect(failure.message).toBe('login failed: Incorrect username or password. (NotAuthorizedException)');
    expect(failure.exitCode).toBe(1);
  });

  it('a server that never answers is cut off at the timeout: unreachable, exit 3', async () => {
    answer = () => {
      // no answer
    };
    const error = await cognitoApiAt(url, 200)
      .call('GetUser', { AccessToken: 'a.b.c' })
      .catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ETIMEDOUT');
    const failure = cognitoFailure('GetUser failed', error, { endpoint: url.href });
    expect(failure.exitCode).toBe(3);
    expect(failure.message).toMatch(/cannot reach .* \(ETIMEDOUT\) — is the emulator running\?$/);
  });

  it('a server that drips bytes is cut off at the same deadline', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.write('{');
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(' ')), 20);
    };
    const error = await cognitoApiAt(url, 300)
      .call('GetUser', { AccessToken: 'a.b.c' })
      .catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ETIMEDOUT');
  });

  it('an answer over 1 MiB is refused', async () => {
    answer = json(200, { Username: 'x'.repeat(2 * 1024 * 1024) });
    const error = await cognitoApiAt(url)
      .call('GetUser', { AccessToken: 'a.b.c' })
      .catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('ERESPONSETOOLARGE');
  });
});

describe('cognitoEndpoint', () => {
  it("is the region's AWS endpoint in its partition, or the --endpoint given", () => {
    expect(cognitoEndpoint({ userPoolId: 'eu-west-1_AbC123' }).href).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/',
    );
    expect(cognitoEndpoint({ region: 'cn-north-1' }).href).toBe(
      'https://cognito-idp.cn-north-1.amazonaws.com.cn/',
    );
    expect(cognitoEndpoint({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9229' }).href).toBe(
      'http://127.0.0.1:9229/',
    );
  });

  it('refuses plain http to a host that is not loopback, a missing region and a malformed one', () => {
    expect(() => cognitoEndpoint({ endpoint: 'http://cognito.example.com' })).toThrow(/not loopback/);
    expect(() => cognitoEndpoint({})).toThrow(UsageError);
    expect(() => cognitoEndpoint({ region: 'evil.example.com/#' })).toThrow(/not an AWS region/);
  });
});

describe('error messages from the endpoint on a terminal', () => {
  it('control characters (escape sequences) in a Cognito message never reach stderr', async () => {
    answer = json(400, {
      __type: 'NotAuthorizedException',
      message: 'bad\u001b]0;owned\u0007\u001b[2J\r\npassword',
    });
    const res = await runCli(
      [
        'login',
        '--endpoint',
        url.href,
        '--client-id',
        'c',
        '--auth-flow',
        'USER_PASSWORD_AUTH',
        '-u',
        'alice',
        '--password-stdin',
      ],
      { input: 'pw' },
    );
    expect(res.code).toBe(1);
    const controls = [...res.stderr].filter(
      (ch) => ch !== '\n' && ((ch.codePointAt(0) ?? 0) < 0x20 || ch === '\u007f'),
    );
    expect(controls).toEqual([]);
    expect(res.stderr).toMatch(/^cogauth: login failed: bad .*password \(NotAuthorizedException\)\n$/m);
  });
});
