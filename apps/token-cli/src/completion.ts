import type { Command } from './command.js';
import { COMMON_OPTIONS } from './command.js';
import { UsageError } from './errors.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

function flagsOf(command: Command): string[] {
  const options = { ...COMMON_OPTIONS, ...command.options };
  return Object.keys(options).map((name) => `--${name}`);
}

function bash(commands: readonly Command[]): string {
  const cases = commands.map((c) => `    ${c.name}) opts="${flagsOf(c).join(' ')}" ;;`).join('\n');
  return `# cogauth completion for bash: eval "$(cogauth completion bash)" in ~/.bashrc
_cogauth() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="\${COMP_WORDS[1]}" opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} help --help --version" -- "$cur"))
    return
  fi
  case "$cmd" in
${cases}
    help) opts="${commands.map((c) => c.name).join(' ')}" ;;
    *) opts="" ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _cogauth cogauth
`;
}

function zsh(commands: readonly Command[]): string {
  const cases = commands
    .map(
      (c) =>
        `    ${c.name}) _values 'option' ${flagsOf(c)
          .map((f) => `'${f}'`)
          .join(' ')} ;;`,
    )
    .join('\n');
  return `#compdef cogauth
# cogauth completion for zsh: eval "$(cogauth completion zsh)" in ~/.zshrc (after compinit)
_cogauth() {
  if (( CURRENT == 2 )); then
    _values 'command' ${commands.map((c) => `'${c.name}[${c.summary.replace(/['\]]/g, '')}]'`).join(' ')} 'help[help for a command]'
    return
  fi
  case "$words[2]" in
${cases}
  esac
}
compdef _cogauth cogauth
`;
}

function fish(commands: readonly Command[]): string {
  const lines = [
    '# cogauth completion for fish: cogauth completion fish > ~/.config/fish/completions/cogauth.fish',
    'complete -c cogauth -f',
  ];
  for (const c of commands) {
    lines.push(
      `complete -c cogauth -n __fish_use_subcommand -a ${c.name} -d '${c.summary.replace(/'/g, '')}'`,
    );
    for (const flag of flagsOf(c)) {
      lines.push(`complete -c cogauth -n '__fish_seen_subcommand_from ${c.name}' -l ${flag.slice(2)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** `cogauth completion <shell>`; the command list is passed in so this file does not import main. */
export function completionCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish)',
    maxPositionals: 1,
    options: {},
    help: `Usage: cogauth completion <bash|zsh|fish>

Prints a completion script for commands and their options.

${'Common options:\n  -h, --help            this help'}

Examples:
  eval "$(cogauth completion bash)"      # in ~/.bashrc
  eval "$(cogauth completion zsh)"       # in ~/.zshrc, after compinit
  cogauth completion fish > ~/.config/fish/completions/cogauth.fish
`,
    async run(ctx) {
      const shell = ctx.positionals[0];
      const all = commands();
      if (shell === 'bash') ctx.io.stdout.write(bash(all));
      else if (shell === 'zsh') ctx.io.stdout.write(zsh(all));
      else if (shell === 'fish') ctx.io.stdout.write(fish(all));
      else
        throw new UsageError(
          `completion needs a shell: ${SHELLS.join(', ')}${shell ? ` (got "${shell}")` : ''}`,
        );
      return 0;
    },
  };
}
