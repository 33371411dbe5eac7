// Module hooks (node:module register): every resolved import's URL, one a line, appended to the file
// COGAUTH_BENCH_MODULES names, so startup.mjs can tell which commands load @cogauth/cedar.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (process.env.COGAUTH_BENCH_MODULES)
    appendFileSync(process.env.COGAUTH_BENCH_MODULES, `${resolved.url}\n`);
  return resolved;
}
