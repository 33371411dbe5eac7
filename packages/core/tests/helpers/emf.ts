/**
 * A validator for CloudWatch Embedded Metric Format documents, written from the specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html,
 * "Embedded metric format document structure"; the limit of 30 dimension keys per set since 2022, as in
 * awslabs/aws-embedded-metrics-node v3.0.0) and the CloudWatch API limits it refers to (PutMetricData:
 * Namespace, MetricDatum.Unit, Dimension). Each rule cites the part it checks; `emfProblems` returns what
 * breaks them, `[]` for a valid document.
 */

// MetricDefinition.Unit: "Values SHOULD be valid CloudWatch metric units" (MetricDatum's StandardUnit).
const UNITS = new Set(
  'Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits Kilobits Megabits Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second Megabytes/Second Gigabytes/Second Terabytes/Second Bits/Second Kilobits/Second Megabits/Second Gigabits/Second Terabits/Second Count/Second None'.split(
    ' ',
  ),
);
// "The embedded metric format is subject to the same limits as standard CloudWatch Logs events": 1 MB
// (256 KB in earlier versions of the page; the lower limit is checked).
const MAX_BYTES = 256 * 1024;
const MAX_METRICS = 100; // MetricDirective.Metrics: "MUST NOT contain more than 100 MetricDefinition objects"
const MAX_DIMENSIONS = 30; // DimensionSet: "MUST NOT contain more than 30 dimension keys"
const MAX_VALUES = 100; // Target members: "Numeric array metric targets MUST NOT have more than 100 members"
const NAMESPACE = /^[0-9A-Za-z.\-_/#:]{1,255}$/; // PutMetricData: Namespace pattern, 1–255
const DIRECTIVE_KEYS = new Set(['Namespace', 'Dimensions', 'Metrics']);
const DEFINITION_KEYS = new Set(['Name', 'Unit', 'StorageResolution']);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

/** Every rule `line` breaks (empty when it is a valid EMF document). */
export function emfProblems(line: string): string[] {
  const problems: string[] = [];
  const fail = (p: string) => problems.push(p);
  if (Buffer.byteLength(line) > MAX_BYTES) fail('larger than a log event may be');
  let root: unknown;
  try {
    // Root node: "MUST be a valid JSON object with no additional data at the beginning or end".
    root = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  if (!isObject(root)) return ['root is not an object'];
  const aws = root._aws;
  // Metadata object: "The value MUST be an object and MUST contain" CloudWatchMetrics and Timestamp.
  if (!isObject(aws)) return ['_aws is not an object'];
  if (!Number.isInteger(aws.Timestamp) || (aws.Timestamp as number) < 0)
    fail('_aws.Timestamp is not a whole number of milliseconds after the epoch');
  const directives = aws.CloudWatchMetrics;
  if (!Array.isArray(directives)) return [...problems, '_aws.CloudWatchMetrics is not an array'];
  directives.forEach((d, i) => {
    for (const p of directiveProblems(root as Record<string, unknown>, d)) fail(`directive ${i}: ${p}`);
  });
  return problems;
}

function directiveProblems(root: Record<string, unknown>, d: unknown): string[] {
  const out: string[] = [];
  if (!isObject(d)) return ['not an object'];
  // "Unless otherwise noted, objects defined by this specification MUST NOT contain any additional members."
  for (const k of Object.keys(d)) if (!DIRECTIVE_KEYS.has(k)) out.push(`unknown member ${k}`);
  const ns = d.Namespace;
  if (typeof ns !== 'string' || !NAMESPACE.test(ns) || ns.startsWith(':') || ns.startsWith('AWS/'))
    out.push(`Namespace ${JSON.stringify(ns)} is not one CloudWatch accepts`);
  if (!Array.isArray(d.Dimensions)) out.push('Dimensions is not an array');
  else for (const set of d.Dimensions) out.push(...dimensionSetProblems(root, set));
  if (!Array.isArray(d.Metrics)) return [...out, 'Metrics is not an array'];
  if (d.Metrics.length > MAX_METRICS) out.push(`more than ${MAX_METRICS} metrics`);
  const dimensionNames = new Set((Array.isArray(d.Dimensions) ? d.Dimensions : []).flat());
  for (const m of d.Metrics) out.push(...definitionProblems(root, m, dimensionNames));
  return out;
}

function dimensionSetProblems(root: Record<string, unknown>, set: unknown): string[] {
  if (!Array.isArray(set)) return ['a DimensionSet is not an array'];
  const out: string[] = [];
  if (set.length > MAX_DIMENSIONS) out.push(`a DimensionSet has more than ${MAX_DIMENSIONS} keys`);
  for (const key of set) {
    if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
      out.push(`dimension key ${JSON.stringify(key)} is not a 1–255 character string`);
      continue;
    }
    // "The values within this array MUST also be members on the root-node"; "A dimension target MUST have a
    // string value" (Dimension.Value: 1–1024 characters).
    const value = root[key];
    if (typeof value !== 'string' || value.length < 1 || value.length > 1024)
      out.push(`dimension ${key} has no 1–1024 character string value on the root`);
  }
  return out;
}

function definitionProblems(root: Record<string, unknown>, m: unknown, dimensions: Set<unknown>): string[] {
  if (!isObject(m)) return ['a MetricDefinition is not an object'];
  const out: string[] = [];
  for (const k of Object.keys(m)) if (!DEFINITION_KEYS.has(k)) out.push(`metric has unknown member ${k}`);
  const name = m.Name;
  if (typeof name !== 'string' || name.length < 1 || name.length > 255)
    return [...out, 'metric Name is not a 1–255 character string'];
  if (dimensions.has(name)) out.push(`${name} is both a metric and a dimension`);
  if (m.Unit !== undefined && !UNITS.has(m.Unit as string)) out.push(`${name}: unit ${String(m.Unit)}`);
  if (m.StorageResolution !== undefined && m.StorageResolution !== 1 && m.StorageResolution !== 60)
    out.push(`${name}: StorageResolution must be 1 or 60`);
  // Target members: "A metric target MUST be a numeric value or an array of numeric values", at most 100.
  const target = root[name];
  if (Array.isArray(target)) {
    if (target.length === 0 || target.length > MAX_VALUES) out.push(`${name}: ${target.length} values`);
    if (!target.every(isNumber)) out.push(`${name}: a value is not a number`);
  } else if (!isNumber(target)) out.push(`${name}: no numeric target on the root`);
  return out;
}

/** The EMF documents among lines written to stdout. */
export function emfDocuments(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
