import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RouteRule } from '@cogauth/core';
import { parseRules } from '@cogauth/core/rules';

/**
 * The sample rule set as a file (`packages/sample/rules.json`): the Serverless app names it in
 * serverless.yml's `rulesFile`, `cogauth check --rules` reads it. The same path from src/ and dist/.
 */
export const SAMPLE_RULES_FILE: string = fileURLToPath(new URL('../rules.json', import.meta.url));

/** The rules as written in the file, checked with core's parser (a bad rule throws naming it). */
export const SAMPLE_RULES: readonly RouteRule[] = Object.freeze(readRules());

function readRules(): RouteRule[] {
  const rules = JSON.parse(readFileSync(SAMPLE_RULES_FILE, 'utf8')) as RouteRule[];
  parseRules(rules);
  return rules;
}
