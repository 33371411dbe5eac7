import { UsageError } from './errors.js';
import type { AuthFlow } from './sign-in/types.js';

export type { AuthFlow } from './sign-in/types.js';

const FLOWS: readonly AuthFlow[] = ['USER_SRP_AUTH', 'USER_PASSWORD_AUTH', 'USER_AUTH', 'CUSTOM_AUTH'];

/** `--auth-flow` / `authFlow`: one of the flows login starts (SRP and PASSWORD as short names). */
export function parseAuthFlow(value: string | undefined): AuthFlow {
  const normal = (value ?? 'USER_SRP_AUTH').toUpperCase().replace(/-/g, '_');
  if (normal === 'SRP') return 'USER_SRP_AUTH';
  if (normal === 'PASSWORD') return 'USER_PASSWORD_AUTH';
  const flow = FLOWS.find((f) => f === normal);
  if (flow === undefined) {
    throw new UsageError(`--auth-flow must be one of ${FLOWS.join(', ')} (got "${value}")`);
  }
  return flow;
}
