// What commands load only when they run: login's sign-in (challenges, devices) and browser login, logout's
// forgetting of a device, writing a profile. One module, imported dynamically, so esbuild puts the code
// these share with every command into one chunk that main.js imports: a lazy entry per flow made a shared
// chunk per combination of flows, and each file main.js loads costs its start-up (scripts/bundle.mjs).
export { browserLogin } from './browser-login.js';
export { forgetDevice } from './forget-device.js';
export { runSignIn } from './sign-in/run.js';
export { userConfigFile, writeProfile } from './user-config.js';
