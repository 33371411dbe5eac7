import { describe, expect, it } from 'vitest';
import type { CognitoApi } from '../../src/cognito.js';
import type { InitiateAuthInput } from '../../src/cognito-api.js';
import { UsageError } from '../../src/errors.js';
import { refreshTokens } from '../../src/refresh-tokens.js';
import { secretHash } from '../../src/secret-hash.js';

// Expected values computed independently with:
//   printf '%s' 'alice-id7example-client-id' | openssl dgst -sha256 -hmac 'client-secret-xyz' -binary | base64
const CLIENT_ID = '7example-client-id';
const SECRET = 'client-secret-xyz';
const HASH_ALICE_ID = 'Gjtqe6oXabAa9zlfvpq/20okcRzo+cyGxu/failbHU4=';
const HASH_ALICE_ALIAS = 'Al2v3+wPaozvJt2+Mk3ZgQ0hS6usu0758A/18Pfc9gE=';

describe('SECRET_HASH', () => {
  it('is base64(HMAC-SHA256(clientSecret, username + clientId))', () => {
    expect(secretHash('alice-id', CLIENT_ID, SECRET)).toBe(HASH_ALICE_ID);
    expect(secretHash('alice@example.com', CLIENT_ID, SECRET)).toBe(HASH_ALICE_ALIAS);
  });

  it('depends on every input', () => {
    expect(secretHash('alice-id', CLIENT_ID, 'other-secret')).not.toBe(HASH_ALICE_ID);
    expect(secretHash('alice-id', 'otherclient', SECRET)).not.toBe(HASH_ALICE_ID);
    expect(secretHash('bob', CLIENT_ID, SECRET)).not.toBe(HASH_ALICE_ID);
  });
});

/** A Cognito client that records what it was sent and answers like REFRESH_TOKEN_AUTH. */
function recordingApi(): CognitoApi & { sent: InitiateAuthInput[] } {
  const sent: InitiateAuthInput[] = [];
  const api = {
    sent,
    call: async (action: string, input: InitiateAuthInput) => {
      if (action !== 'InitiateAuth') throw new Error(`unexpected ${action}`);
      sent.push(input);
      return { AuthenticationResult: { AccessToken: 'a.b.c', IdToken: 'd.e.f', ExpiresIn: 3600 } };
    },
  };
  return api as unknown as CognitoApi & { sent: InitiateAuthInput[] };
}

describe('refresh SECRET_HASH', () => {
  it('uses the real username given, and keeps the refresh token', async () => {
    const api = recordingApi();
    const {
      issued: { tokens },
    } = await refreshTokens(api, { clientId: CLIENT_ID, clientSecret: SECRET, username: 'alice-id' }, 'rt-1');
    expect(api.sent[0]?.AuthFlow).toBe('REFRESH_TOKEN_AUTH');
    expect(api.sent[0]?.AuthParameters).toEqual({ REFRESH_TOKEN: 'rt-1', SECRET_HASH: HASH_ALICE_ID });
    expect(tokens.refreshToken).toBe('rt-1');
    expect(tokens.accessToken).toBe('a.b.c');
  });

  it('refuses to guess the username when the client has a secret', async () => {
    const api = recordingApi();
    await expect(refreshTokens(api, { clientId: CLIENT_ID, clientSecret: SECRET }, 'rt-1')).rejects.toThrow(
      UsageError,
    );
    await expect(refreshTokens(api, { clientId: CLIENT_ID, clientSecret: SECRET }, 'rt-1')).rejects.toThrow(
      /real username/,
    );
    expect(api.sent).toHaveLength(0);
  });

  it('sends no SECRET_HASH for a client without a secret', async () => {
    const api = recordingApi();
    await refreshTokens(api, { clientId: CLIENT_ID, username: 'alice-id' }, 'rt-2');
    expect(api.sent[0]?.AuthParameters).toEqual({ REFRESH_TOKEN: 'rt-2' });
  });
});
