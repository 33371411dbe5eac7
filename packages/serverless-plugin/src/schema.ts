// JSON schema of `custom.cogauth`, registered with osls' config validation (which warns by default).
// The plugin's own checks (config.ts, validate.ts) are the ones that stop a bad configuration.
const cfnValue = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  patternProperties: { '^(Ref|Fn::[A-Za-z]+)$': {} },
  additionalProperties: false,
};
const stringOrCfn = { anyOf: [{ type: 'string' }, cfnValue] };

export const cogauthSchema = {
  type: 'object',
  properties: {
    cogauth: {
      type: 'object',
      properties: {
        functionName: { type: 'string', pattern: '^[a-zA-Z0-9-_]{1,64}$' },
        userPoolId: stringOrCfn,
        clientIds: { anyOf: [stringOrCfn, { type: 'array', items: stringOrCfn, minItems: 1 }] },
        tokenUse: { enum: ['access', 'id', 'any', ''] },
        issuer: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        jwksUri: { type: 'string' },
        allowInsecureHttp: { anyOf: [{ type: 'boolean' }, { enum: ['true', 'false', ''] }] },
        graceSeconds: { anyOf: [{ type: 'integer', minimum: 0, maximum: 300 }, { type: 'string' }] },
        pools: { anyOf: [{ type: 'array', items: { type: 'object' } }, { type: 'string' }] },
        rules: { anyOf: [{ type: 'array', items: { type: 'object' } }, { const: '' }] },
        rulesFile: { type: 'string' },
        jwksFile: { type: 'string' },
        fetchJwks: { type: 'boolean' },
        resultTtlSeconds: { anyOf: [{ type: 'integer', minimum: 0, maximum: 3600 }, { type: 'string' }] },
        restAuthorizerType: { enum: ['token', 'request'] },
        httpApiResponse: { enum: ['iam', 'simple', ''] },
        httpApiCache: { enum: ['on', 'off', ''] },
        answerMode: { enum: ['all-routes', 'per-request', ''] },
      },
      additionalProperties: false,
    },
  },
};
