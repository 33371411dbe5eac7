import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as cedar from '@cedar-policy/cedar-wasm/web';

/** The Cedar team's own WebAssembly build, `@cedar-policy/cedar-wasm`, ready to call. */
export type Cedar = typeof cedar;

/** The engine's `.wasm` bytes (`cedar_wasm_bg.wasm` of `@cedar-policy/cedar-wasm`). */
export type CedarWasm = Uint8Array | ArrayBuffer;

let ready = false;

/**
 * Instantiates the engine once per process. The `web` entry is used because it takes the bytes from us:
 * the package's default entry imports `.wasm` as an ES module (Node 20 cannot) and its `nodejs` entry reads
 * the file next to itself, which a bundle does not have. Without `wasm`, the bytes are read from the
 * installed package (all three of its entries ship the same binary).
 */
export function cedarEngine(wasm?: CedarWasm): Cedar {
  if (!ready) {
    cedar.initSync({ module: wasm ?? readFileSync(installedWasmPath()) });
    ready = true;
  }
  return cedar;
}

/**
 * Instantiates the engine from a module compiled already (`WebAssembly.compile`, which a bundle awaits while
 * it initialises), unless it runs already. Internal: the Lambda bundle's entry calls it.
 */
export function startCedar(compiled: unknown): void {
  if (ready) return;
  cedar.initSync({ module: compiled as Parameters<typeof cedar.initSync>[0] & object });
  ready = true;
}

function installedWasmPath(): string {
  const nodeEntry = createRequire(import.meta.url).resolve('@cedar-policy/cedar-wasm/nodejs');
  return join(dirname(nodeEntry), 'cedar_wasm_bg.wasm');
}
