// The Hono app every runtime serves in tests/e2e/runtimes.test.ts, bundled by esbuild with that runtime's
// export conditions, so `@cogauth/core` resolves as the runtime's own bundler would resolve it. CONFIG is
// set at bundle time (esbuild `define`): the issuer and JWKS URL of a JWKS server on 127.0.0.1.
import { createCognitoVerifier } from '@cogauth/core';
import { cogauthHono } from '@cogauth/core/hono';
import { Hono } from 'hono';

const verifier = createCognitoVerifier({
  issuer: CONFIG.issuer,
  jwksUri: CONFIG.jwksUri,
  tokenUse: 'access',
  clientId: CONFIG.clientId,
  jwks: CONFIG.jwks,
});

export const app = new Hono();

// Which build the runtime got: verifySync is Node-only, a ConfigError on the web build.
app.get('/build', (c) => {
  try {
    verifier.verifySync(CONFIG.probe);
    return c.json({ build: 'node' });
  } catch (error) {
    return c.json({ build: error?.name === 'ConfigError' ? 'web' : `unexpected ${error?.name}` });
  }
});

app.use('/messages', cogauthHono({ verifier, rules: [{ route: 'GET /messages', groups: ['readers'] }] }));
app.get('/messages', (c) => c.json({ sub: c.get('auth').claims.sub }));
