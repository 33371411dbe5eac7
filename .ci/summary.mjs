// Adds up the "Tests  N passed" lines of every vitest run, the demo's line and node:test's totals (the
// `pnpm dev` test) in a `pnpm test` log.
import { readFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';

const text = stripVTControlCharacters(readFileSync(process.argv[2], 'utf8'));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const line of text.split('\n')) {
  const m = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!m) continue;
  for (const [, n, what] of m[1].matchAll(/(\d+) (passed|failed|skipped)/g)) {
    if (what === 'passed') passed += Number(n);
    else if (what === 'failed') failed += Number(n);
    else skipped += Number(n);
  }
}
const demo = /^demo: (\d+) passed, (\d+) failed$/m.exec(text);
if (demo) {
  passed += Number(demo[1]);
  failed += Number(demo[2]);
}
// node --test --test-reporter=spec: "ℹ pass 1", "ℹ fail 0", "ℹ skipped 0".
for (const [, what, n] of text.matchAll(/^ℹ (pass|fail|skipped) (\d+)$/gm)) {
  if (what === 'pass') passed += Number(n);
  else if (what === 'fail') failed += Number(n);
  else skipped += Number(n);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
