import type { SampleGroup } from './groups.js';

export interface SampleUserSpec {
  /** A fixed demo value for throw-away local pools (cognito-local), never for a real pool. */
  readonly password: string;
  readonly groups: readonly SampleGroup[];
}

export type SampleUserName = 'reader' | 'writer' | 'admin';

/** The users the local stack, the demo and the e2e tests create, by username. */
export const SAMPLE_USERS: Readonly<Record<SampleUserName, SampleUserSpec>> = Object.freeze({
  reader: { password: 'Reader-Passw0rd!', groups: ['readers'] },
  writer: { password: 'Writer-Passw0rd!', groups: ['readers', 'writers'] },
  admin: { password: 'Admin-Passw0rd!', groups: ['readers', 'writers', 'admin'] },
});
