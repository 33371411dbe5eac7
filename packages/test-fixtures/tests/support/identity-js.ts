// amazon-cognito-identity-js, AWS's own browser/Node client for user pools, as a promise-returning test
// client: it runs real SRP (user and device), ConfirmDevice, and the MFA calls, so a sign-in that reaches
// tokens against the stand-in proves the stand-in's server side is what Cognito's clients expect.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as IdentityJs from 'amazon-cognito-identity-js';

const require = createRequire(import.meta.url);
export const identityJs = require('amazon-cognito-identity-js') as typeof IdentityJs;

interface HelperPrototype {
  generateRandomSmallA(): unknown;
}
const helperPrototype: HelperPrototype = require('amazon-cognito-identity-js/lib/AuthenticationHelper.js')
  .default.prototype;
const BigInteger: new (hex: string, radix: number) => unknown =
  require('amazon-cognito-identity-js/lib/BigInteger.js').default;

/**
 * Makes the library draw a 256-bit SRP secret `a` instead of 1024 bits, until the returned function undoes
 * it. Its big-integer code spends about 0.1 s of CPU per exponentiation with the long one, several per
 * sign-in; the server only ever sees A = g^a mod N, and SRP's arithmetic is the same for any `a`.
 */
export function useShortSrpSecrets(): () => void {
  const original = helperPrototype.generateRandomSmallA;
  helperPrototype.generateRandomSmallA = () => new BigInteger(randomBytes(32).toString('hex'), 16);
  return () => {
    helperPrototype.generateRandomSmallA = original;
  };
}

export type Step =
  | { step: 'signedIn'; session: IdentityJs.CognitoUserSession; userConfirmationNecessary: boolean }
  | {
      step: 'mfaRequired' | 'totpRequired' | 'selectMFAType' | 'mfaSetup';
      challenge: string;
      parameters: Record<string, string>;
    }
  | { step: 'newPasswordRequired'; userAttributes: Record<string, string>; requiredAttributes: string[] }
  | { step: 'customChallenge'; parameters: Record<string, string> };

/** Callbacks that settle one promise with whatever the library reports next. */
export function stepOf(run: (callbacks: IdentityJs.IAuthenticationCallback) => void): Promise<Step> {
  return new Promise((resolve, reject) => {
    run({
      onSuccess: (session, userConfirmationNecessary) =>
        resolve({ step: 'signedIn', session, userConfirmationNecessary: userConfirmationNecessary === true }),
      onFailure: reject,
      mfaRequired: (challenge, parameters) => resolve({ step: 'mfaRequired', challenge, parameters }),
      totpRequired: (challenge, parameters) => resolve({ step: 'totpRequired', challenge, parameters }),
      selectMFAType: (challenge, parameters) => resolve({ step: 'selectMFAType', challenge, parameters }),
      mfaSetup: (challenge, parameters) => resolve({ step: 'mfaSetup', challenge, parameters }),
      newPasswordRequired: (userAttributes, requiredAttributes) =>
        resolve({ step: 'newPasswordRequired', userAttributes, requiredAttributes }),
      customChallenge: (parameters) => resolve({ step: 'customChallenge', parameters }),
    });
  });
}

/** The error an operation failed with (the library passes AWS's `code` and `message`). */
export async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; name?: string; message?: string };
    return { code: String(e.code ?? e.name), message: String(e.message) };
  }
  throw new Error('expected the call to fail');
}

/** An in-memory ICognitoStorage: device keys and tokens the library caches between sign-ins. */
export function memoryStorage(): IdentityJs.ICognitoStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    setItem: (key, value) => void items.set(key, value),
    getItem: (key) => items.get(key) ?? null,
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
  };
}

export interface Client {
  pool: IdentityJs.CognitoUserPool;
  storage: ReturnType<typeof memoryStorage>;
  user(username: string): IdentityJs.CognitoUser;
  /** Starts a sign-in; `user` answers the challenges that follow (it holds the Session). */
  signIn(
    username: string,
    password: string,
    flow?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH' | 'CUSTOM_AUTH',
  ): { user: IdentityJs.CognitoUser; step: Promise<Step> };
}

/** A client for one app client; each user() is a fresh CognitoUser sharing the storage (like a new page load). */
export function clientFor(endpoint: string, poolId: string, clientId: string): Client {
  const storage = memoryStorage();
  const pool = new identityJs.CognitoUserPool({
    UserPoolId: poolId,
    ClientId: clientId,
    endpoint: `${endpoint}/`,
    Storage: storage,
  });
  const user = (username: string) =>
    new identityJs.CognitoUser({ Username: username, Pool: pool, Storage: storage });
  return {
    pool,
    storage,
    user,
    signIn(username, password, flow = 'USER_SRP_AUTH') {
      const u = user(username);
      u.setAuthenticationFlowType(flow);
      const details = new identityJs.AuthenticationDetails({ Username: username, Password: password });
      return { user: u, step: stepOf((callbacks) => u.authenticateUser(details, callbacks)) };
    },
  };
}
