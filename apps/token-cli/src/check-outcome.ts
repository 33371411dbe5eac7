import type { DecisionReason, PolicyDocument } from '@cogauth/core';

/** What `cogauth check` reports of a decision, whichever engine (rules or Cedar) made it. */
export interface CheckDecision {
  decision: 'Allow' | 'Deny' | 'Unauthorized';
  status: 200 | 401 | 403;
  reason: DecisionReason;
  route: string;
  methodArn: string;
  permittedRoutes: string[];
  policyDocument: PolicyDocument | null;
  context: Record<string, string | number | boolean> | null;
}
