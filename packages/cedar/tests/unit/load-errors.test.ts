import { ConfigError } from '@cogauth/core';
import { describe, expect, it } from 'vitest';
import { loadCedar } from '../../src/index.js';
import { POLICIES, SCHEMA } from '../helpers/store.js';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const GOOD = 'permit (principal, action == MyApi::Action::"get /users", resource);';

describe('a policy that does not parse or validate stops loadCedar, naming the policy and line:column', () => {
  it('a parse error names the policy by position and the line and column in the text', () => {
    const text = `${GOOD}\n// the second policy\npermit (principal, action == , resource);\n`;
    const err = configError(() => loadCedar({ policies: text }));
    expect(err.field).toBe('policies');
    expect(err.message).toMatch(/^policies: policy1 at line 3, column 30: .*unexpected token `,`/);
  });

  it('columns count characters, not the UTF-8 bytes Cedar reports', () => {
    const err = configError(() =>
      loadCedar({ policies: `// héhé\npermit (principal, action == , resource);` }),
    );
    expect(err.message).toMatch(/policy0 at line 2, column 30:/);
  });

  it('a validation error against the schema names the @id and the line in the whole text', () => {
    const text = `${POLICIES}\n@id("typo")\npermit (principal, action, resource)\nwhen { principal.emial == "a@example.com" };\n`;
    const err = configError(() => loadCedar({ policies: text, schema: SCHEMA }));
    const line = text.split('\n').findIndex((l) => l.includes('emial')) + 1;
    expect(err.message).toMatch(
      new RegExp(`^policies: policy typo at line ${line}, column 8: .*attribute \`emial\``),
    );
  });

  it('an action the schema does not declare is a validation error', () => {
    const err = configError(() =>
      loadCedar({
        policies: 'permit (principal, action == MyApi::Action::"get /nope", resource);',
        schema: SCHEMA,
      }),
    );
    expect(err.message).toMatch(/^policies: policy policy0 at line 1, column \d+: .*get \/nope/);
  });

  it('policies given by id: the error names policies.<id>', () => {
    const err = configError(() =>
      loadCedar({ policies: { good: GOOD, bad: 'permit (principal, action, resource' } }),
    );
    expect(err.message).toMatch(/^policies\.bad: policy0 at line 1, column \d+:/);
    const two = configError(() => loadCedar({ policies: { both: `${GOOD}\n${GOOD}` } }));
    expect(two.message).toBe('policies.both: must hold exactly one policy');
  });

  it('templates, duplicate ids, an empty set and an unreadable schema are refused', () => {
    expect(
      configError(() => loadCedar({ policies: 'permit (principal == ?principal, action, resource);' }))
        .message,
    ).toMatch(/templates are not supported/);
    expect(configError(() => loadCedar({ policies: `@id("a")\n${GOOD}\n@id("a")\n${GOOD}` })).message).toBe(
      'policies: two policies have the id "a"',
    );
    expect(configError(() => loadCedar({ policies: '// nothing' })).message).toMatch(/holds no policy/);
    expect(configError(() => loadCedar({ policies: GOOD, schema: '{ not json' })).field).toBe('schema');
    expect(
      configError(() => loadCedar({ policies: GOOD, schema: 'namespace MyApi { entity User; } oops' }))
        .message,
    ).toMatch(/^schema: line 1, column 34: /);
  });

  it('the namespace must be told when it is ambiguous, and routes must exist', () => {
    const two = `${GOOD}\npermit (principal, action == Other::Action::"get /x", resource);`;
    expect(configError(() => loadCedar({ policies: two })).field).toBe('namespace');
    expect(loadCedar({ policies: two, namespace: 'MyApi' }).actions.map((a) => a.id)).toEqual(['get /users']);
    expect(
      configError(() =>
        loadCedar({ policies: 'permit (principal, action == MyApi::Action::"Read", resource);' }),
      ).message,
    ).toMatch(/names no route action of MyApi::Action/);
    expect(configError(() => loadCedar({ policies: GOOD, userPoolId: 'a|b' })).field).toBe('userPoolId');
  });
});

describe('the schema in Cedar syntax', () => {
  it('works like its JSON form', () => {
    const engine = loadCedar({
      policies: GOOD,
      schema: `namespace MyApi {
        entity UserGroup; entity User in [UserGroup]; entity Application;
        action "get /users", "get /users/{id}" appliesTo { principal: User, resource: Application, context: {} };
      }`,
    });
    expect(engine.actions.map((a) => a.id)).toEqual(['get /users', 'get /users/{id}']);
  });

  it('a policy reading context beyond token, pathParameters and queryStringParameters is refused: no request gives it, and an erring forbid would be skipped', () => {
    const forbid = `${GOOD}\n@id("no-office")\nforbid (principal, action, resource) when { context.sourceIp == "203.0.113.7" };`;
    const err = configError(() => loadCedar({ policies: forbid }));
    expect(err.message).toBe(
      'policies: policy no-office reads context.sourceIp, which no request has: context holds token, pathParameters and queryStringParameters only',
    );
    const whole = `${GOOD}\n@id("whole")\nforbid (principal, action, resource) when { context == {} };`;
    expect(configError(() => loadCedar({ policies: whole })).message).toMatch(
      /policy whole reads context as a whole/,
    );
  });
});
