/**
 * Policy globs (glob.ts) filed by their head, the literal text up to the second `/` (`GET/messages` for
 * `GET/messages/*`, `$connect` for `$connect`), so that the globs that may share a string with another glob
 * or text are found without trying every one: two globs whose heads are both literal and differ never
 * match a common string, since every string either matches starts with its head and then a `/` or ends.
 */

/** The head of a glob or text, or undefined when a `*` comes before the end of the head. */
export function headOf(glob: string): string | undefined {
  const first = glob.indexOf('/');
  const second = first < 0 ? -1 : glob.indexOf('/', first + 1);
  const end = second < 0 ? glob.length : second;
  const star = glob.indexOf('*');
  return star >= 0 && star < end ? undefined : glob.slice(0, end);
}

export class GlobIndex<T> {
  readonly #all: readonly T[];
  readonly #byHead = new Map<string, T[]>();
  /** The items whose glob has a `*` in its head: any string may meet them. */
  readonly #wild: T[] = [];

  constructor(items: readonly T[], globOf: (item: T) => string) {
    this.#all = items;
    for (const item of items) {
      const head = headOf(globOf(item));
      if (head === undefined) this.#wild.push(item);
      else {
        const list = this.#byHead.get(head);
        if (list) list.push(item);
        else this.#byHead.set(head, [item]);
      }
    }
  }

  /**
   * The items whose glob may meet `glob` (match a string it matches; a text is a glob without `*`): a
   * superset of those that do, the same-head ones first, then those with a wild head.
   */
  near(glob: string): readonly T[] {
    const head = headOf(glob);
    if (head === undefined) return this.#all;
    const same = this.#byHead.get(head);
    if (same === undefined) return this.#wild;
    return this.#wild.length === 0 ? same : [...same, ...this.#wild];
  }
}
