export interface PublicJwks {
  keys: Array<{ kty: string; kid: string; [member: string]: unknown }>;
}

/** `https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/jwks.json`; throws on a malformed id. */
export declare function jwksUriOf(userPoolId: string): string;
/** Throws naming the problem unless `value` is a non-empty JWKS of public keys. */
export declare function publicJwks(value: unknown): PublicJwks;
export declare function fetchJwks(uri: string): Promise<PublicJwks>;
