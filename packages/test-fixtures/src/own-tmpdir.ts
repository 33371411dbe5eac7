import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Points this process's temp dir (`TMPDIR`, which `os.tmpdir()` reads on every call) at a fresh folder and
 * returns what removes it and restores the old value. For test setup files: libraries that make their own
 * temp folders and never remove them (a CDK `App` without `outdir` writes one `cdk.out…` per synth) then
 * leave nothing behind. Call the result in `afterAll`.
 */
export function ownTmpdir(prefix: string): () => void {
  const previous = process.env.TMPDIR;
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
