import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownTmpdir } from '../src/own-tmpdir.js';

describe('ownTmpdir', () => {
  it('sends os.tmpdir() to a fresh folder, then removes it with what was made inside and restores TMPDIR', () => {
    const before = process.env.TMPDIR;
    const outer = tmpdir();
    const done = ownTmpdir('cogauth-own-tmpdir-test-');
    const inside = tmpdir();
    expect(inside).not.toBe(outer);
    expect(inside.startsWith(join(outer, 'cogauth-own-tmpdir-test-'))).toBe(true);
    const made = mkdtempSync(join(tmpdir(), 'cdk.out'));
    expect(existsSync(made)).toBe(true);
    done();
    expect(existsSync(made)).toBe(false);
    expect(existsSync(inside)).toBe(false);
    expect(process.env.TMPDIR).toBe(before);
    expect(tmpdir()).toBe(outer);
  });
});
