// The construct takes only AWS pool ids, so the issuer and JWKS URL it configures are always Cognito's
// https ones. What it cannot type, `auth.function.addEnvironment`, is checked at synth with core's own rule:
// plain http:// only to a loopback host, unless COGAUTH_ALLOW_INSECURE_HTTP=true says the risk is accepted.
import { describe, expect, it } from 'vitest';
import { authorizerEnv, authorizerStack, templateOf } from './support.js';

const POOL = 'us-east-1_AbC123xyz';

function synthWith(vars: Record<string, string>) {
  const { stack, auth } = authorizerStack({ userPoolId: POOL, clientIds: ['client1'] });
  for (const [name, value] of Object.entries(vars)) auth.function.addEnvironment(name, value);
  return () => templateOf(stack);
}

describe('issuer and JWKS URL at synth', () => {
  it('the construct configures no URL of its own: the function derives https ones from the pool id', () => {
    const env = authorizerEnv(synthWith({})());
    expect(Object.keys(env).filter((k) => /ISSUER|JWKS_URI|INSECURE/.test(k))).toEqual([]);
  });

  it.each([
    ['COGAUTH_ISSUER', `http://10.0.0.5/${POOL}`],
    ['COGAUTH_JWKS_URI', `http://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/jwks.json`],
  ])('%s over plain http to another host, added through the function, fails the synth', (name, url) => {
    expect(synthWith({ [name]: url })).toThrow(
      new RegExp(`would refuse its environment at cold start: ${name}: is plain http:// .* not loopback`),
    );
  });

  it('the same with COGAUTH_ALLOW_INSECURE_HTTP=true, or to a loopback host, synthesizes', () => {
    const issuer = `http://10.0.0.5/${POOL}`;
    expect(
      authorizerEnv(synthWith({ COGAUTH_ISSUER: issuer, COGAUTH_ALLOW_INSECURE_HTTP: 'true' })()),
    ).toMatchObject({ COGAUTH_ISSUER: issuer });
    expect(() => synthWith({ COGAUTH_ISSUER: `http://127.0.0.1:9229/${POOL}` })()).not.toThrow();
    expect(() =>
      synthWith({ COGAUTH_JWKS_URI: `https://keys.example.com/${POOL}/jwks.json` })(),
    ).not.toThrow();
  });

  it('anything else added that the function would refuse fails the synth too', () => {
    expect(synthWith({ COGAUTH_TOKEN_USE: 'refresh' })).toThrow(
      /COGAUTH_TOKEN_USE: must be access, id or any/,
    );
  });
});
