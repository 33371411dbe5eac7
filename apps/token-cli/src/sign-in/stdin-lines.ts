import type { Readable } from 'node:stream';
import { CliError } from '../errors.js';

/** Longest answer line read (a password, a code, a custom answer): more is refused, not buffered forever. */
const MAX_LINE = 64 * 1024;

/**
 * stdin as lines, read only when an answer is needed: a script can write each answer once its challenge
 * has come (the CLI says on stderr what it waits for). The stream is paused between answers, so an open
 * pipe never keeps the process alive after the last one. A trailing "\r" is dropped (CRLF input).
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
    }
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
