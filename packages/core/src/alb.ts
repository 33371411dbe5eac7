/**
 * `@cogauth/core/alb`: verifies `x-amzn-oidc-data`, the user claims an Application Load Balancer signs
 * after it authenticated the user. Pass the verifier to `createAuthenticator` or an adapter in place of a
 * Cognito verifier: they then read that header instead of `Authorization`.
 *
 * ```ts
 * const verifier = createAlbVerifier({ albArn, clientId, issuer });
 * app.use(cogauth({ verifier, rules }));
 * ```
 */
export type { AlbClaims, AlbVerifier, AlbVerifierOptions, AlbVerifierSettings } from './types.js';
export { createAlbVerifier } from './verify/alb-verifier.js';
