export { SAMPLE_GROUPS, type SampleGroup } from './groups.js';
export { MAX_TEXT_LENGTH, type Message } from './messages.js';
export { SAMPLE_POOL, type SamplePool } from './pool.js';
export { routeKey, SAMPLE_ROUTES, type SampleHandler, type SampleRoute } from './routes.js';
export { SAMPLE_RULES, SAMPLE_RULES_FILE } from './rules.js';
export { SAMPLE_USERS, type SampleUserName, type SampleUserSpec } from './users.js';
