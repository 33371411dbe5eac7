import type { Readable, Writable } from 'node:stream';

/** Where a command reads and writes; the real process streams in `main`, buffers in tests. */
export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
  cwd: string;
}

export function isTty(stream: Readable | Writable): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

export interface Style {
  bold(text: string): string;
  good(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
}

const SGR = (code: string) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const PLAIN: Style = { bold: (t) => t, good: (t) => t, bad: (t) => t, dim: (t) => t };
const COLOR: Style = { bold: SGR('1'), good: SGR('32'), bad: SGR('31'), dim: SGR('2') };

/** Colour only on a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export function style(io: Io, stream: 'stdout' | 'stderr' = 'stdout'): Style {
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return !noColor && isTty(io[stream]) && io.env.TERM !== 'dumb' ? COLOR : PLAIN;
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A note for humans: stderr, so stdout stays clean for `$(cogauth ...)`. */
export function note(io: Io, message: string): void {
  io.stderr.write(`${message}\n`);
}

export interface Spinner {
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Animated only when stderr is a terminal; otherwise it writes nothing at all. */
export function startSpinner(io: Io, label: string): Spinner {
  if (!isTty(io.stderr)) return { stop() {} };
  let frame = 0;
  const draw = () => {
    io.stderr.write(`\r${FRAMES[frame % FRAMES.length]} ${label}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, 80);
  return {
    stop() {
      clearInterval(timer);
      io.stderr.write('\r\u001b[2K');
    },
  };
}

/** `2026-11-24T14:03:07.000Z (in 59m 12s)` or `(expired 3m ago)`. */
export function describeExpiry(exp: number, nowMs = Date.now()): string {
  const iso = new Date(exp * 1000).toISOString();
  const delta = Math.round(exp - nowMs / 1000);
  return delta >= 0 ? `${iso} (in ${duration(delta)})` : `${iso} (expired ${duration(-delta)} ago)`;
}

export function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** argv shows in `ps` and shell history: say so whenever a secret arrives that way. */
export function warnSecretOnArgv(io: Io, flag: string, instead: string): void {
  io.stderr.write(
    `cogauth: warning: ${flag} on the command line is visible in "ps" and your shell history; use ${instead}\n`,
  );
}
