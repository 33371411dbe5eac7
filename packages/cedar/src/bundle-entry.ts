/**
 * The deployable bundle's entry (`@cogauth/cedar/lambda-bundle`, `dist/lambda/index.mjs`, handler
 * `index.handler`): core's authorizer configured from COGAUTH_* variables, deciding with the Cedar policies
 * COGAUTH_CEDAR_POLICIES_FILE names (and COGAUTH_CEDAR_SCHEMA_FILE). The engine's WebAssembly ships beside the
 * bundle and is compiled with `WebAssembly.compile` while the module initialises (top-level await). A bad
 * variable or policy throws a ConfigError naming it during init. Only the bundle imports this file.
 */
import { readFileSync } from 'node:fs';
import { handlerFromEnv } from '@cogauth/core/lambda';
import { readCedarEnvironment } from './environment.js';
import { startCedar } from './wasm.js';

/** The global WebAssembly API (no DOM types here). */
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<unknown> };
};

startCedar(await wasm.compile(readFileSync(new URL('./cedar_wasm_bg.wasm', import.meta.url))));

export const handler = handlerFromEnv(process.env, readCedarEnvironment(process.env));
