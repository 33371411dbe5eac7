import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OWN_REASONS } from '../helpers/reasons.js';

// The README's log section is where operators look up a reason they saw in a log or a metric; the verifier's
// codes are documented there as a group.
describe('README: the decision log reasons', () => {
  it('lists every reason a decision can carry', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const from = readme.indexOf('### Logs');
    const section = readme.slice(from, readme.indexOf('\n### ', from + 1));
    const missing = Object.keys(OWN_REASONS).filter((reason) => !section.includes(`\`${reason}\``));
    expect(missing).toEqual([]);
  });
});
