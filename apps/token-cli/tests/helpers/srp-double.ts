// A test double for the server side of Cognito's USER_SRP_AUTH, speaking the Cognito JSON protocol
// (POST /, X-Amz-Target: AWSCognitoIdentityProviderService.<Op>) on 127.0.0.1. Its SRP arithmetic is
// written independently of src/srp.ts (own padding, hashing and HKDF), so a client that gets tokens from
// it computed the same session key as a real SRP-6a server would.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cognitoAccessClaims, cognitoIdClaims, generateTestKey, signJwt } from '@cogauth/test-fixtures';

// RFC 3526 group 15 (3072-bit MODP), the group Cognito uses.
const N = BigInt(
  '0x' +
    [
      'FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD',
      'EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED',
      'EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F',
      '83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D 670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B',
      'E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510',
      '15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64 ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7',
      'ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C',
      'BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31 43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF',
    ]
      .join('')
      .replace(/ /g, ''),
);
const G = 2n;

/** Two's-complement big-endian bytes, shortest form, as Java's BigInteger.toByteArray() (non-negative only). */
function toJavaBytes(n: bigint): Buffer {
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

function toBig(buf: Buffer): bigint {
  return buf.length === 0 ? 0n : BigInt(`0x${buf.toString('hex')}`);
}

function powMod(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e % 2n === 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e /= 2n;
  }
  return result;
}

const K_MULT = toBig(sha256(toJavaBytes(N), toJavaBytes(G)));

/** RFC 5869 HKDF-SHA256 written out: extract, then the first expand block, truncated to 16 bytes. */
function hkdf16(ikm: Buffer, salt: Buffer): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  return createHmac('sha256', prk)
    .update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])]))
    .digest()
    .subarray(0, 16);
}

const TIMESTAMP =
  /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01]) \d{2}:\d{2}:\d{2} UTC \d{4}$/;

export interface DoubleUser {
  /** The real username, sent back as USER_ID_FOR_SRP. */
  username: string;
  aliases?: string[];
  password: string;
  attributes?: Record<string, string>;
}

export interface SrpDoubleOptions {
  userPoolId: string;
  clientId: string;
  clientSecret?: string;
  users: DoubleUser[];
  /** Fixed server secrets for known-answer tests; random otherwise. */
  b?: bigint;
  salt?: string;
  secretBlock?: string;
  /** After a correct password proof, ask for this TOTP code (SOFTWARE_TOKEN_MFA) ... */
  totpCode?: string;
  /** ... or send this challenge, which the CLI does not answer. */
  otherChallenge?: string;
  /** Server clock, for TIMESTAMP checks (allowed skew 5 minutes). */
  now?: () => Date;
}

export interface RecordedRequest {
  target: string;
  body: Record<string, unknown>;
  /** What the double answered (status and JSON body). */
  status?: number;
  response?: unknown;
}

export interface SrpDouble {
  endpoint: string;
  requests: RecordedRequest[];
  /** Sessions that completed PASSWORD_VERIFIER with a correct signature. */
  successes: number;
  close(): Promise<void>;
}

interface Pending {
  user: DoubleUser;
  A: bigint;
  B: bigint;
  b: bigint;
  v: bigint;
  salt: string;
  secretBlock: string;
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startSrpDouble(options: SrpDoubleOptions): Promise<SrpDouble> {
  const poolName = options.userPoolId.split('_')[1] as string;
  const key = generateTestKey({ alg: 'RS256', kid: 'double' });
  const sessions = new Map<string, Pending>();
  const accessTokens = new Map<string, DoubleUser>();
  const mfaSessions = new Map<string, DoubleUser>();
  const requests: RecordedRequest[] = [];
  const state = { successes: 0 };

  const findUser = (name: string) =>
    options.users.find((u) => u.username === name || (u.aliases ?? []).includes(name));

  const checkSecretHash = (username: string, given: unknown) => {
    if (!options.clientSecret) return;
    const want = createHmac('sha256', options.clientSecret)
      .update(username + options.clientId)
      .digest('base64');
    if (given !== want)
      throw new ServiceError(
        'NotAuthorizedException',
        `Unable to verify secret hash for client ${options.clientId}`,
      );
  };

  const issueTokens = (user: DoubleUser) => {
    const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${options.userPoolId}`;
    const common = { issuer, clientId: options.clientId, username: user.username };
    const accessToken = signJwt(cognitoAccessClaims(common), key);
    const idToken = signJwt(
      cognitoIdClaims({ ...common, ...(user.attributes?.email ? { email: user.attributes.email } : {}) }),
      key,
    );
    accessTokens.set(accessToken, user);
    return {
      AuthenticationResult: {
        AccessToken: accessToken,
        IdToken: idToken,
        RefreshToken: `refresh-${randomUUID()}`,
        ExpiresIn: 3600,
        TokenType: 'Bearer',
      },
      ChallengeParameters: {},
    };
  };

  const answerMfa = (body: Record<string, unknown>) => {
    const user = mfaSessions.get(String(body.Session));
    mfaSessions.delete(String(body.Session));
    if (!user || body.ChallengeName !== 'SOFTWARE_TOKEN_MFA') {
      throw new ServiceError('NotAuthorizedException', 'Invalid session for the user.');
    }
    const r = (body.ChallengeResponses ?? {}) as Record<string, string>;
    if (r.USERNAME !== user.username)
      throw new ServiceError('NotAuthorizedException', 'USERNAME is not the real username');
    checkSecretHash(user.username, r.SECRET_HASH);
    if (r.SOFTWARE_TOKEN_MFA_CODE !== options.totpCode)
      throw new ServiceError('CodeMismatchException', 'Invalid code received for user');
    return issueTokens(user);
  };

  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    InitiateAuth(body) {
      if (body.ClientId !== options.clientId)
        throw new ServiceError('ResourceNotFoundException', 'User pool client does not exist.');
      if (body.AuthFlow !== 'USER_SRP_AUTH')
        throw new ServiceError('InvalidParameterException', 'Only USER_SRP_AUTH here.');
      const params = (body.AuthParameters ?? {}) as Record<string, string>;
      const user = findUser(params.USERNAME ?? '');
      if (!user) throw new ServiceError('UserNotFoundException', 'User does not exist.');
      checkSecretHash(params.USERNAME ?? '', params.SECRET_HASH);
      if (!/^[0-9a-f]+$/i.test(params.SRP_A ?? ''))
        throw new ServiceError('InvalidParameterException', 'SRP_A is not hex');
      const A = BigInt(`0x${params.SRP_A}`);
      if (A % N === 0n) throw new ServiceError('InvalidParameterException', 'SRP_A mod N is 0');
      const salt = options.salt ?? randomBytes(16).toString('hex');
      const inner = sha256(Buffer.from(`${poolName}${user.username}:${user.password}`, 'utf8'));
      const x = toBig(sha256(toJavaBytes(BigInt(`0x${salt}`)), Buffer.from(inner.toString('hex'), 'hex')));
      const v = powMod(G, x, N);
      const b = options.b ?? toBig(randomBytes(256));
      const B = (K_MULT * v + powMod(G, b, N)) % N;
      const secretBlock = options.secretBlock ?? randomBytes(64).toString('base64');
      const session = randomUUID();
      sessions.set(session, { user, A, B, b, v, salt, secretBlock });
      return {
        ChallengeName: 'PASSWORD_VERIFIER',
        ChallengeParameters: {
          SALT: salt,
          SRP_B: B.toString(16),
          SECRET_BLOCK: secretBlock,
          USER_ID_FOR_SRP: user.username,
          USERNAME: user.username,
        },
        Session: session,
      };
    },
    RespondToAuthChallenge(body) {
      if (body.ClientId !== options.clientId)
        throw new ServiceError('ResourceNotFoundException', 'User pool client does not exist.');
      if (mfaSessions.has(String(body.Session))) return answerMfa(body);
      const pending = sessions.get(String(body.Session));
      sessions.delete(String(body.Session));
      if (!pending || body.ChallengeName !== 'PASSWORD_VERIFIER') {
        throw new ServiceError('NotAuthorizedException', 'Invalid session for the user.');
      }
      const r = (body.ChallengeResponses ?? {}) as Record<string, string>;
      if (r.USERNAME !== pending.user.username)
        throw new ServiceError('NotAuthorizedException', 'USERNAME is not USER_ID_FOR_SRP');
      checkSecretHash(pending.user.username, r.SECRET_HASH);
      if (r.PASSWORD_CLAIM_SECRET_BLOCK !== pending.secretBlock) {
        throw new ServiceError('NotAuthorizedException', 'Secret block mismatch');
      }
      const timestamp = r.TIMESTAMP ?? '';
      if (!TIMESTAMP.test(timestamp))
        throw new ServiceError('InvalidParameterException', `TIMESTAMP format: ${timestamp}`);
      const skew = Math.abs(
        Date.parse(timestamp.replace(/^\w+ (\w+) (\d+) (\S+) UTC (\d+)$/, '$1 $2 $4 $3 UTC')) -
          (options.now?.() ?? new Date()).getTime(),
      );
      if (!(skew <= 5 * 60_000))
        throw new ServiceError('NotAuthorizedException', 'TIMESTAMP too far from server time');
      const u = toBig(sha256(toJavaBytes(pending.A), toJavaBytes(pending.B)));
      if (u === 0n) throw new ServiceError('NotAuthorizedException', 'u = 0');
      const S = powMod((pending.A * powMod(pending.v, u, N)) % N, pending.b, N);
      const derived = hkdf16(toJavaBytes(S), toJavaBytes(u));
      const expected = createHmac('sha256', derived)
        .update(Buffer.from(poolName, 'utf8'))
        .update(Buffer.from(pending.user.username, 'utf8'))
        .update(Buffer.from(pending.secretBlock, 'base64'))
        .update(Buffer.from(timestamp, 'utf8'))
        .digest();
      const given = Buffer.from(r.PASSWORD_CLAIM_SIGNATURE ?? '', 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ServiceError('NotAuthorizedException', 'Incorrect username or password.');
      }
      state.successes += 1;
      if (options.otherChallenge || options.totpCode) {
        const session = randomUUID();
        mfaSessions.set(session, pending.user);
        return {
          ChallengeName: options.otherChallenge ?? 'SOFTWARE_TOKEN_MFA',
          ChallengeParameters: {},
          Session: session,
        };
      }
      return issueTokens(pending.user);
    },
    GetUser(body) {
      const user = accessTokens.get(String(body.AccessToken));
      if (!user) throw new ServiceError('NotAuthorizedException', 'Invalid Access Token');
      return {
        Username: user.username,
        UserAttributes: Object.entries(user.attributes ?? {}).map(([Name, Value]) => ({ Name, Value })),
      };
    },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.replace(/^AWSCognitoIdentityProviderService\./, '');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        // answered below as a bad request
      }
      const record: RecordedRequest = { target, body };
      requests.push(record);
      const send = (status: number, payload: unknown, errorType?: string) => {
        record.status = status;
        record.response = payload;
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(payload));
      };
      const handler = handlers[op];
      if (req.method !== 'POST' || !handler) {
        send(
          400,
          { __type: 'UnknownOperationException', message: `unknown operation ${target}` },
          'UnknownOperationException',
        );
        return;
      }
      try {
        send(200, handler(body));
      } catch (error) {
        if (error instanceof ServiceError)
          send(400, { __type: error.type, message: error.message }, error.type);
        else
          send(500, { __type: 'InternalErrorException', message: String(error) }, 'InternalErrorException');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    get successes() {
      return state.successes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
