import type { DetailedError } from '@cedar-policy/cedar-wasm/web';
import { ConfigError, type ConfigPath } from '@cogauth/core';
import type { Cedar } from './wasm.js';

/** One static policy: its id, its text and where that text starts in the source the user gave. */
export interface PolicySource {
  readonly id: string;
  readonly text: string;
  /** The source it came from (`policies` or `policies.<id>`) and the character offset of `text` in it. */
  readonly origin: ConfigPath;
  readonly source: string;
  readonly offset: number;
}

/** What `loadCedar` accepts as policies: one Cedar text, or texts by policy id (one policy each). */
export type PoliciesInput = string | Readonly<Record<string, string>>;

const ID_ANNOTATION = 'id';

/**
 * Splits the policies into static policies with stable ids. In one text, a policy's id is its `@id("…")`
 * annotation, else `policy<N>` (its position, Cedar's own naming). A parse error throws a ConfigError naming
 * the policy and its line:column; templates are refused (an authorizer has nothing to link them with).
 */
export function policySources(cedar: Cedar, input: PoliciesInput): PolicySource[] {
  if (typeof input === 'string') return fromText(cedar, input, ['policies']);
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new ConfigError('policies', 'must be Cedar policy text or an object of policy texts by id');
  const out: PolicySource[] = [];
  for (const [id, text] of Object.entries(input)) {
    const origin = ['policies', id];
    if (typeof text !== 'string') throw new ConfigError(origin, 'must be a string of Cedar');
    const parts = fromText(cedar, text, origin);
    if (parts.length !== 1) throw new ConfigError(origin, 'must hold exactly one policy');
    out.push({ ...(parts[0] as PolicySource), id });
  }
  return checked(out);
}

function fromText(cedar: Cedar, text: string, origin: ConfigPath): PolicySource[] {
  const parts = cedar.policySetTextToParts(text);
  if (parts.type === 'failure') throw parseError(text, origin, parts.errors);
  if (parts.policy_templates.length > 0)
    throw new ConfigError(origin, 'policy templates are not supported: link them into static policies');
  let from = 0;
  return checked(
    parts.policies.map((policy, i) => {
      const at = text.indexOf(policy, from);
      const offset = Math.max(at, 0);
      from = offset + policy.length;
      return { id: annotatedId(cedar, policy) ?? `policy${i}`, text: policy, origin, source: text, offset };
    }),
  );
}

function annotatedId(cedar: Cedar, policy: string): string | undefined {
  const json = cedar.policyToJson(policy);
  return json.type === 'success' ? json.json.annotations?.[ID_ANNOTATION] : undefined;
}

function checked(sources: PolicySource[]): PolicySource[] {
  if (sources.length === 0) throw new ConfigError('policies', 'holds no policy: it would deny every request');
  const seen = new Set<string>();
  for (const s of sources) {
    if (seen.has(s.id)) throw new ConfigError('policies', `two policies have the id ${JSON.stringify(s.id)}`);
    seen.add(s.id);
  }
  return sources;
}

/** A parse error: the policy it falls in (by position) and its line:column in the text. */
function parseError(text: string, origin: ConfigPath, errors: readonly DetailedError[]): ConfigError {
  const first = errors[0];
  const byte = first?.sourceLocations?.[0]?.start;
  const message = describe(first);
  if (byte === undefined) return new ConfigError(origin, message);
  const at = charOffset(text, byte);
  const index = statementIndex(text, at);
  return new ConfigError(origin, `policy${index} at ${lineColumn(text, at)}: ${message}`);
}

/** Cedar's message plus what it expected there (`label`), without the text of the policy. */
export function describe(error: DetailedError | undefined): string {
  if (!error) return 'rejected by Cedar';
  const label = error.sourceLocations?.[0]?.label;
  return label ? `${error.message} (${label})` : error.message;
}

/** Cedar reports UTF-8 byte offsets; JavaScript strings count UTF-16 units. */
export function charOffset(text: string, byte: number): number {
  return Buffer.from(text, 'utf8').subarray(0, byte).toString('utf8').length;
}

/** `line L, column C`, both from 1. */
export function lineColumn(text: string, at: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${at - lineStart + 1}`;
}

/**
 * How many policies end before `at`: Cedar ends every policy with `;`, which may otherwise appear only in
 * string literals and `//` comments. One pass, no backtracking.
 */
function statementIndex(text: string, at: number): number {
  let count = 0;
  let inString = false;
  let inComment = false;
  for (let i = 0; i < at && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inComment) inComment = c !== 10;
    else if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 47 && text.charCodeAt(i + 1) === 47) inComment = true;
    else if (c === 59) count++;
  }
  return count;
}
