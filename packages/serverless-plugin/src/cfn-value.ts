/** A CloudFormation intrinsic such as `{Ref: UserPool}` or `!GetAtt UserPool.Arn` (as osls loads it). */
export type CfnValue = { Ref: unknown } | { [fn: `Fn::${string}`]: unknown };

export function isCfnValue(value: unknown): value is CfnValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || (keys[0] as string).startsWith('Fn::'));
}
