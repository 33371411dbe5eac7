import { CogauthServerlessPlugin } from './plugin.js';

export type { CogauthSettings, HttpApiResponse, TokenUse } from './config.js';
export { CogauthServerlessPlugin } from './plugin.js';

/** The Serverless Framework loads a plugin package's default export. */
export default CogauthServerlessPlugin;
