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
const flag = { anyOf: [{ type: 'boolean' }, { enum: ['true', 'false', ''] }] };
const numberOrText = { anyOf: [{ type: 'number' }, { type: 'string' }] };
const alarm = {
  anyOf: [
    flag,
    {
      type: 'object',
      properties: {
        threshold: numberOrText,
        periodSeconds: numberOrText,
        evaluationPeriods: numberOrText,
        datapointsToAlarm: numberOrText,
        minimumDecisions: numberOrText,
      },
      additionalProperties: false,
    },
  ],
};
const monitoring = {
  anyOf: [
    flag,
    {
      type: 'object',
      properties: {
        namespace: { type: 'string' },
        routeDimension: flag,
        alarmTopic: stringOrCfn,
        namePrefix: { type: 'string' },
        dashboard: flag,
        alarms: {
          type: 'object',
          properties: {
            jwksFailures: alarm,
            errors: alarm,
            throttles: alarm,
            duration: alarm,
            refusals: alarm,
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
  ],
};

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
        allowPools: { anyOf: [{ type: 'array', items: { type: 'object' } }, { type: 'string' }] },
        maxPools: { anyOf: [{ type: 'integer', minimum: 1, maximum: 10000 }, { type: 'string' }] },
        maxPoolFetches: { anyOf: [{ type: 'integer', minimum: 1, maximum: 10000 }, { type: 'string' }] },
        rules: { anyOf: [{ type: 'array', items: { type: 'object' } }, { const: '' }] },
        rulesFile: { type: 'string' },
        cedar: {
          type: 'object',
          properties: {
            policiesFile: { type: 'string' },
            schemaFile: { type: 'string' },
            namespace: { type: 'string' },
          },
          additionalProperties: false,
        },
        jwksFile: { type: 'string' },
        fetchJwks: { type: 'boolean' },
        resultTtlSeconds: { anyOf: [{ type: 'integer', minimum: 0, maximum: 3600 }, { type: 'string' }] },
        restAuthorizerType: { enum: ['token', 'request'] },
        httpApiResponse: { enum: ['iam', 'simple', ''] },
        httpApiCache: { enum: ['on', 'off', ''] },
        answerMode: { enum: ['all-routes', 'per-request', ''] },
        monitoring,
        logLevel: { enum: ['all', 'refusals', ''] },
        logAllowedSampleRate: { anyOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'string' }] },
      },
      additionalProperties: false,
    },
  },
};
