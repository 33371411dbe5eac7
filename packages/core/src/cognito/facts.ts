/**
 * Cognito facts, kept once: the user pool id grammar, AWS partitions and their DNS suffixes, and the
 * issuer and JWKS URLs Cognito serves for a pool. The verifier, the ARN parser, the CLI, the CDK
 * construct and the Serverless plugin all read them from here.
 */

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-eusc';

/** Every partition cogauth knows, in the order the ARN grammar lists them. (Pure: unused, it is not bundled.) */
export const PARTITIONS: readonly Partition[] = /* @__PURE__ */ Object.freeze([
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-eusc',
]);

const DNS_SUFFIX: Readonly<Record<Partition, string>> = Object.freeze({
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-eusc': 'amazonaws.eu',
});

/** `us-east-1`, `cn-north-1`, `us-gov-west-1`, `eusc-de-east-1`, `ap-southeast-5`. */
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;
/** `<prefix>_<id>`: an AWS region for real pools, any lowercase word for emulators (`local_4vYH1bWa`). */
const USER_POOL_ID = /^([a-z0-9-]{1,32})_([0-9A-Za-z]{1,55})$/;

/** Cognito's ClientIdType: 1–128 word characters or `+`. */
const CLIENT_ID = /^[\w+]{1,128}$/;

/** Whether `clientId` is spelled like a Cognito app client id (1–128 letters, digits, `_` or `+`). */
export function isClientId(clientId: unknown): clientId is string {
  return typeof clientId === 'string' && CLIENT_ID.test(clientId);
}

/** Whether `region` is spelled like an AWS region. */
export function isRegion(region: unknown): region is string {
  return typeof region === 'string' && REGION.test(region);
}

/** The partition a region belongs to; undefined for a malformed region or an isolated (ISO) partition. */
export function partitionOfRegion(region: string): Partition | undefined {
  if (!isRegion(region) || region.startsWith('us-iso')) return undefined;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** The DNS suffix of a partition's service endpoints (`amazonaws.com.cn` for `aws-cn`). */
export function dnsSuffixOf(partition: Partition): string {
  return DNS_SUFFIX[partition];
}

export interface UserPoolIdParts {
  readonly userPoolId: string;
  /** Everything before `_`: the region for a real pool, e.g. `local` for cognito-local. */
  readonly prefix: string;
  /** The region and its partition, when the prefix is a region of a known partition. */
  readonly region: string | undefined;
  readonly partition: Partition | undefined;
}

/** Splits a user pool id; undefined when it is not `<prefix>_<id>`. */
export function parseUserPoolId(userPoolId: unknown): UserPoolIdParts | undefined {
  if (typeof userPoolId !== 'string') return undefined;
  const m = USER_POOL_ID.exec(userPoolId);
  if (m === null) return undefined;
  const prefix = m[1] as string;
  const partition = partitionOfRegion(prefix);
  return { userPoolId, prefix, region: partition === undefined ? undefined : prefix, partition };
}

/** Whether `userPoolId` is a pool id of a real AWS region (`us-east-1_AbC123`), not an emulator's. */
export function isAwsUserPoolId(userPoolId: unknown): userPoolId is string {
  return parseUserPoolId(userPoolId)?.partition !== undefined;
}

/**
 * Cognito's two issuer formats: `original` (`https://cognito-idp.<region>.<suffix>/<pool>`) and `updated`
 * (`https://issuer-cognito-idp.<region>.<suffix>/<pool>`, the pool's IssuerConfiguration `UPDATED`).
 */
export type IssuerFormat = 'original' | 'updated';

const ISSUER_HOST: Readonly<Record<IssuerFormat, string>> = Object.freeze({
  original: 'cognito-idp',
  updated: 'issuer-cognito-idp',
});

/** The parts an issuer URL is made of; each may be a deploy-time placeholder (a CDK token). */
export interface IssuerParts {
  readonly region: string;
  /** The partition's DNS suffix: `dnsSuffixOf(partition)`, or CloudFormation's `AWS::URLSuffix`. */
  readonly dnsSuffix: string;
  readonly userPoolId: string;
}

/**
 * `https://<host>.<region>.<dnsSuffix>/<userPoolId>`, from parts it does not check: for tools that know
 * the region, suffix or pool id only at deploy time (CDK tokens). With a pool id in hand use issuerOf.
 */
export function issuerFromParts(parts: IssuerParts, format: IssuerFormat = 'original'): string {
  return `https://${ISSUER_HOST[format]}.${parts.region}.${parts.dnsSuffix}/${parts.userPoolId}`;
}

/** The issuer URL of an AWS user pool; undefined for an id without a known region (set the issuer then). */
export function issuerOf(userPoolId: string, format: IssuerFormat = 'original'): string | undefined {
  const parts = parseUserPoolId(userPoolId);
  if (parts?.partition === undefined || parts.region === undefined) return undefined;
  return issuerFromParts(
    { region: parts.region, dnsSuffix: DNS_SUFFIX[parts.partition], userPoolId },
    format,
  );
}

/** Both issuer URLs a pool's tokens may carry, original first; empty for an id without a known region. */
export function issuersOf(userPoolId: string): string[] {
  const original = issuerOf(userPoolId, 'original');
  const updated = issuerOf(userPoolId, 'updated');
  return original === undefined || updated === undefined ? [] : [original, updated];
}

/** Where an issuer serves its keys: `<issuer>/.well-known/jwks.json` (Cognito and cognito-local alike). */
export function jwksUriOf(issuer: string): string {
  return `${withoutTrailingSlashes(issuer)}/.well-known/jwks.json`;
}

/** The Cognito user pools API endpoint of a region (`https://cognito-idp.<region>.<suffix>/`). */
export function cognitoEndpointOf(region: string): string | undefined {
  const partition = partitionOfRegion(region);
  return partition === undefined
    ? undefined
    : `https://${ISSUER_HOST.original}.${region}.${DNS_SUFFIX[partition]}/`;
}

function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 47) end--;
  return url.slice(0, end);
}

/** Longest issuer `parseIssuer` looks at: Cognito's are under 100 characters. */
const MAX_ISSUER_LENGTH = 256;

/**
 * A token's `iss` read as a Cognito issuer. What it can tell: the pool id and the region (the pool id
 * starts with it, and the host must say the same). What it cannot: the AWS account that owns the pool.
 * A pool id is `<region>_<random>`, and the random part encodes nothing, so any account may create a pool
 * whose issuer looks like yours but for that part.
 */
export interface CognitoIssuer {
  readonly issuer: string;
  readonly userPoolId: string;
  readonly region: string;
  readonly partition: Partition;
  readonly format: IssuerFormat;
}

/**
 * Reads `iss` as Cognito writes it, `https://cognito-idp.<region>.<suffix>/<userPoolId>` or the `updated`
 * format `https://issuer-cognito-idp.…`, where `<region>` is the pool id's own and `<suffix>` its
 * partition's; undefined for anything else (another host, a port, a path, a trailing slash, letter case,
 * user info, a query). The string is rebuilt from the pool id and compared whole: no pattern runs on it.
 */
export function parseIssuer(iss: unknown): CognitoIssuer | undefined {
  if (typeof iss !== 'string' || iss.length > MAX_ISSUER_LENGTH) return undefined;
  const parts = parseUserPoolId(iss.slice(iss.lastIndexOf('/') + 1));
  if (parts?.partition === undefined || parts.region === undefined) return undefined;
  const { userPoolId, region, partition } = parts;
  for (const format of ['original', 'updated'] as const) {
    if (iss === issuerOf(userPoolId, format)) return { issuer: iss, userPoolId, region, partition, format };
  }
  return undefined;
}

/** An Application Load Balancer ARN taken apart. */
export interface AlbArnParts {
  readonly arn: string;
  readonly partition: Partition;
  readonly region: string;
  readonly accountId: string;
}

// `arn:<partition>:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>`: a name of 1–32
// letters, digits and hyphens, an id of hexadecimal digits. Each part is a class the next one cannot
// start with, so the match is linear.
const ALB_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-eusc):elasticloadbalancing:([a-z0-9-]{1,32}):(\d{12}):loadbalancer\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{8,32}$/;

/** Splits an ALB ARN; undefined when it is not one, or its region is not of its partition. */
export function parseAlbArn(arn: unknown): AlbArnParts | undefined {
  if (typeof arn !== 'string' || arn.length > 200) return undefined;
  const m = ALB_ARN.exec(arn);
  if (m === null) return undefined;
  const partition = m[1] as Partition;
  const region = m[2] as string;
  if (partitionOfRegion(region) !== partition) return undefined;
  return { arn, partition, region, accountId: m[3] as string };
}

/** An ALB signing key id: a UUID (`12345678-1234-1234-1234-123456789012`), nothing else. */
const ALB_KEY_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Whether `kid` has the shape of an ALB key id, so it can go into a key URL without escaping. */
export function isAlbKeyId(kid: unknown): kid is string {
  return typeof kid === 'string' && ALB_KEY_ID.test(kid);
}

/**
 * Where the load balancers of a region publish the public keys that sign `x-amzn-oidc-data`: the key for
 * `kid` is a PEM at `<endpoint>/<kid>`. The ALB guide documents `https://public-keys.auth.elb.<region>.amazonaws.com`
 * and, for AWS GovCloud (US), `https://s3-<region>.amazonaws.com/aws-elb-public-keys-prod-<region>`; China
 * follows its partition's DNS suffix (`amazonaws.com.cn`). Undefined elsewhere (give the endpoint then).
 */
export function albKeyEndpointOf(region: string): string | undefined {
  const partition = partitionOfRegion(region);
  if (partition === 'aws' || partition === 'aws-cn')
    return `https://public-keys.auth.elb.${region}.${DNS_SUFFIX[partition]}`;
  if (partition === 'aws-us-gov')
    return `https://s3-${region}.amazonaws.com/aws-elb-public-keys-prod-${region}`;
  return undefined;
}
