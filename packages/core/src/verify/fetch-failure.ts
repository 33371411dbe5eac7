// Shared by the Node and web downloads (fetch-capped.ts, fetch-capped.web.ts).

/** Why a capped download failed; `status` is the HTTP status when the server answered outside 2xx. */
export class FetchFailure extends Error {
  override name = 'FetchFailure';
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}
