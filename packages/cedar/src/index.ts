export type {
  ActionExplanation,
  CedarDecision,
  CedarDecisionReason,
  CedarExplanation,
  CedarRequest,
} from './decide.js';
export {
  type CedarEnv,
  type CedarEnvironmentSettings,
  type CedarSource,
  readCedarEnvironment,
  writeCedarEnvironment,
} from './environment.js';
export type { Evaluation, PolicyError } from './evaluate.js';
export type { CedarGrant } from './grant.js';
export { type CedarEngine, type CedarOptions, loadCedar } from './load.js';
export type { RequestContextReads } from './model.js';
export type { PoliciesInput } from './policy-source.js';
export type { CedarAction } from './routes.js';
export { type CedarTranslation, type RulesToCedarOptions, rulesToCedar } from './rules-to-cedar.js';
export type { SchemaInput } from './schema.js';
export type { CedarWasm } from './wasm.js';
