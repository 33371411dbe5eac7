import { createRequire } from 'node:module';

// The package is found from cogauth's own place, and through NODE_PATH (a Lambda layer's
// /opt/nodejs/node_modules), which `require` honours and an ESM import does not.
const here = typeof __filename === 'string' ? __filename : import.meta.url;

/** `@opentelemetry/api`, loaded now; throws when it cannot be. */
export function loadOtelApi(): unknown {
  return createRequire(here)('@opentelemetry/api');
}
