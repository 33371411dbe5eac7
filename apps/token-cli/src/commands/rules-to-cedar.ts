import { readFileSync, writeFileSync } from 'node:fs';
import { cedarPackage } from '../cedar-package.js';
import { COMMON_HELP, type Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { printJson } from '../output.js';

export const rulesToCedarCommand: Command = {
  name: 'rules-to-cedar',
  summary: 'translate a rules file to Cedar policies (+ schema) for Verified Permissions or @cogauth/cedar',
  maxPositionals: 1,
  options: {
    'user-pool-id': { type: 'string' },
    namespace: { type: 'string' },
    schema: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: cogauth rules-to-cedar <rules.json> --user-pool-id <id> [--namespace <name>] [options]

Translates cogauth route rules into Cedar policies in the shape of an Amazon Verified Permissions API-linked
policy store (one policy per rule, @id("rules[<i>]"); groups become UserGroup "<pool id>|<group>", scopes
context.token.scope), which decide exactly as the rules do, and the schema they validate against. Prints the
policies; the schema goes to --schema <file>, or both to stdout with --json. Uses @cogauth/cedar.

Options:
  --user-pool-id <id>   the pool whose groups the rules name (UserGroup ids are "<pool id>|<group>")
  --namespace <name>    the Cedar namespace, as Verified Permissions derives it from the API's name
                        (default: CogauthApi)
  --schema <file>       also write the schema (JSON, as Verified Permissions exports it) to <file>
  --json                {policies, schema, actions}

${COMMON_HELP}

Example:
  cogauth rules-to-cedar rules.json --user-pool-id us-east-1_AbC123 --namespace MyApi --schema schema.json > policies.cedar
`,
  async run(ctx) {
    const { io, values } = ctx;
    const file = ctx.positionals[0];
    if (file === undefined)
      throw new UsageError('no rules file, e.g. cogauth rules-to-cedar rules.json --user-pool-id …');
    const userPoolId = values['user-pool-id'];
    if (typeof userPoolId !== 'string')
      throw new UsageError('no --user-pool-id (UserGroup ids are "<pool id>|<group>")');
    const namespace = typeof values.namespace === 'string' ? values.namespace : 'CogauthApi';
    let rules: unknown;
    try {
      rules = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        `${file}: ${code ? `cannot read (${code})` : `is not valid JSON: ${(error as Error).message}`}`,
      );
    }
    // Loaded here only: the other commands never pay for the Cedar engine.
    const { rulesToCedar } = await cedarPackage('rules-to-cedar');
    const translated = rulesToCedar(rules, { userPoolId, namespace });
    if (values.json) {
      printJson(io, translated);
      return 0;
    }
    if (typeof values.schema === 'string') {
      try {
        writeFileSync(values.schema, `${JSON.stringify(translated.schema, null, 2)}\n`);
      } catch (error) {
        throw new CliError(
          `--schema: cannot write ${values.schema} (${(error as NodeJS.ErrnoException).code})`,
        );
      }
    }
    io.stdout.write(translated.policies);
    return 0;
  },
};
