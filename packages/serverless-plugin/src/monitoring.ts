import { ConfigError } from '@cogauth/core';
import { alarmResource, type MonitoredFunction } from './alarms.js';
import { dashboardBody } from './dashboard.js';
import { ALARM_NAMES, type MonitoringSettings } from './monitoring-settings.js';
import type { Serverless } from './serverless-types.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const FIELD = 'custom.cogauth.monitoring';

/** The compiled authorizer function: its logical id and timeout (osls writes the one it deploys). */
function monitoredFunction(resources: Obj, functionId: string): MonitoredFunction {
  const fn = resources[functionId];
  const timeout = isObj(fn) && isObj(fn.Properties) ? fn.Properties.Timeout : undefined;
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw new ConfigError(
      FIELD,
      `needs the authorizer's timeout as a number of seconds, got ${JSON.stringify(timeout)}`,
    );
  }
  return { name: { Ref: functionId }, timeoutMs: timeout * 1000 };
}

/**
 * Adds the alarms and the dashboard of `custom.cogauth.monitoring` to the compiled template, next to the
 * authorizer function (`functionKey`). Logical ids start with the function's (`CogauthAuthorizer…`); one the
 * template or the service's own `resources` already holds is refused rather than overwritten.
 */
export function addMonitoring(serverless: Serverless, functionKey: string, m: MonitoringSettings): string[] {
  const naming = serverless.getProvider('aws').naming;
  const resources = serverless.service.provider.compiledCloudFormationTemplate?.Resources;
  if (!isObj(resources)) throw new Error('cogauth: osls compiled no CloudFormation resources');
  const own = serverless.service.resources?.Resources ?? {};
  const fn = monitoredFunction(resources, naming.getLambdaLogicalId(functionKey));
  const base = naming.getNormalizedFunctionName(functionKey);
  const put = (id: string, resource: Obj) => {
    if (resources[id] !== undefined || own[id] !== undefined)
      throw new ConfigError(
        FIELD,
        `the template already holds a resource ${id}: rename yours or set functionName`,
      );
    resources[id] = resource;
  };
  const alarmIds: string[] = [];
  for (const name of ALARM_NAMES) {
    const a = m.alarms[name];
    if (a === undefined) continue;
    const id = `${base}${name[0]?.toUpperCase()}${name.slice(1)}Alarm`;
    put(id, alarmResource(name, a, m, fn));
    alarmIds.push(id);
  }
  if (!m.dashboard) return alarmIds;
  const body = dashboardBody({
    namespace: m.namespace,
    routeDimension: m.routeDimension,
    timeoutMs: fn.timeoutMs,
    alarmIds,
  });
  put(`${base}Dashboard`, {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      ...(m.namePrefix === undefined ? {} : { DashboardName: `${m.namePrefix}-authorizer` }),
      DashboardBody: { 'Fn::Sub': [body, { Fn: fn.name }] },
    },
  });
  return [...alarmIds, `${base}Dashboard`];
}
