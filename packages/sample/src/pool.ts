import { SAMPLE_GROUPS, type SampleGroup } from './groups.js';
import { SAMPLE_USERS, type SampleUserName, type SampleUserSpec } from './users.js';

/** What a local pool for the sample holds: spread it into test-fixtures' `startLocalStack` options. */
export interface SamplePool {
  readonly poolName: string;
  readonly groups: readonly SampleGroup[];
  readonly users: Readonly<Record<SampleUserName, SampleUserSpec>>;
}

export const SAMPLE_POOL: SamplePool = Object.freeze({
  poolName: 'cogauth-sample',
  groups: SAMPLE_GROUPS,
  users: SAMPLE_USERS,
});
