export type { LogLevel, RouteRule } from '@cogauth/core';
export {
  type ApiAuthorizerOptions,
  CogauthAuthorizer,
  type RestApiAuthorizerOptions,
} from './cogauth-authorizer.js';
export { LAMBDA_ENVIRONMENT_MAX_BYTES } from './environment.js';
export { CogauthJwks } from './jwks.js';
export type {
  CogauthAlarmName,
  CogauthAlarmOptions,
  CogauthAlarmsProps,
  CogauthMonitoring,
  CogauthMonitoringProps,
  CogauthRefusalAlarmOptions,
} from './monitoring-props.js';
export { NAG_REASONS } from './nag.js';
export {
  addFunctionWithOwnLogs,
  type FunctionWithOwnLogs,
  type FunctionWithOwnLogsProps,
} from './own-logs-function.js';
export type { CogauthAuthorizerProps, HttpApiResponse, TokenUse } from './props.js';
export { DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS } from './settings.js';
