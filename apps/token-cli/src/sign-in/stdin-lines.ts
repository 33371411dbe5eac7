import type { Readable } from 'node:stream';
import { CliError } from '../errors.js';

/** Longest answer line read (a password, a code, a custom answer): more is refused, not buffered forever. */
const MAX_LINE = 64 * 1024;

/**
 * stdin as lines, read only when an answer is needed: a script can write each answer once its challenge
 * has come (the CLI says on stderr what it waits for). Between answers the stream is paused and its
 * handle unreferenced (pausing a pipe alone does not stop its reads), so a pipe the script keeps open
 * never keeps the process alive after the last answer. A trailing "\r" is dropped (CRLF input).
 */
export class StdinLines {
  readonly #stream: Readable;
  #buffer = '';
  #ended = false;
  #failed: Error | undefined;
  #wake: (() => void) | undefined;
  #attached = false;

  constructor(stream: Readable) {
    this.#stream = stream;
  }

  /** The next line, or undefined when stdin ended before one. */
  async next(): Promise<string | undefined> {
    this.#attach();
    this.#handle()?.ref();
    try {
      for (;;) {
        const newline = this.#buffer.indexOf('\n');
        if (newline >= 0) {
          const line = this.#buffer.slice(0, newline);
          this.#buffer = this.#buffer.slice(newline + 1);
          return line.endsWith('\r') ? line.slice(0, -1) : line;
        }
        if (this.#buffer.length > MAX_LINE) throw new CliError('a line on stdin is longer than 64 KiB');
        if (this.#failed) throw new CliError(`cannot read stdin: ${this.#failed.message}`);
        if (this.#ended) {
          const rest = this.#buffer;
          this.#buffer = '';
          return rest === '' ? undefined : rest;
        }
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          this.#stream.resume();
        });
      }
    } finally {
      this.#stream.pause();
      this.#handle()?.unref();
    }
  }

  /** A pipe or socket (net.Socket) can be unreferenced; a file stream ends by itself. */
  #handle(): { ref(): void; unref(): void } | undefined {
    const stream = this.#stream as Partial<{ ref(): void; unref(): void }>;
    return typeof stream.ref === 'function' && typeof stream.unref === 'function'
      ? (stream as { ref(): void; unref(): void })
      : undefined;
  }

  #attach(): void {
    if (this.#attached) return;
    this.#attached = true;
    this.#stream.setEncoding('utf8');
    const wake = () => {
      const resolve = this.#wake;
      this.#wake = undefined;
      resolve?.();
    };
    this.#stream.on('data', (chunk: string) => {
      this.#buffer += chunk;
      if (this.#buffer.includes('\n') || this.#buffer.length > MAX_LINE) {
        this.#stream.pause();
        wake();
      }
    });
    this.#stream.once('end', () => {
      this.#ended = true;
      wake();
    });
    this.#stream.once('error', (error: Error) => {
      this.#failed = error;
      wake();
    });
  }
}
