import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 21: session-flow.ts imported commands/refresh.ts and check.ts imported verify.ts. A command is
// a leaf: what two of them share lives in a module of its own, and only main.ts lists the commands.

const SRC = join(import.meta.dirname, '../../src');

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^;]*?from '(\.{1,2}\/[^']+)'/gms)].map((m) => m[1] as string);
}

describe('source layout', () => {
  it('a command imports no other command', () => {
    const commands = readdirSync(join(SRC, 'commands')).filter((f) => f.endsWith('.ts'));
    expect(commands.length).toBeGreaterThan(5);
    for (const file of commands) {
      const imports = relativeImports(join(SRC, 'commands', file));
      expect(imports.length, file).toBeGreaterThan(0);
      expect(
        imports.filter((path) => path.startsWith('./')),
        file,
      ).toEqual([]);
    }
  });

  it('only main.ts imports a command', () => {
    const modules = readdirSync(SRC).filter((f) => f.endsWith('.ts') && f !== 'main.ts');
    for (const file of modules) {
      expect(
        relativeImports(join(SRC, file)).filter((path) => path.startsWith('./commands/')),
        file,
      ).toEqual([]);
    }
    expect(relativeImports(join(SRC, 'main.ts')).filter((p) => p.startsWith('./commands/'))).toHaveLength(
      readdirSync(join(SRC, 'commands')).length,
    );
  });
});
