/**
 * `@cogauth/core/cognito`: the Cognito facts the verifier uses, for tools that configure it (the CDK
 * construct, the Serverless plugin, the CLI): user pool ids, partitions and their DNS suffixes, issuer and
 * JWKS URLs, the Cognito API endpoint, and which hosts count as loopback for plain http.
 */
export {
  cognitoEndpointOf,
  dnsSuffixOf,
  type IssuerFormat,
  type IssuerParts,
  isAwsUserPoolId,
  isClientId,
  isRegion,
  issuerFromParts,
  issuerOf,
  issuersOf,
  jwksUriOf,
  PARTITIONS,
  type Partition,
  parseUserPoolId,
  partitionOfRegion,
  type UserPoolIdParts,
} from './cognito/facts.js';
export { isLoopbackHost } from './cognito/loopback.js';
