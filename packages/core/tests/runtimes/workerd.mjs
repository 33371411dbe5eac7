// Cloudflare workerd (through miniflare): a module worker.
import { app } from './app.mjs';

export default { fetch: (request, env, ctx) => app.fetch(request, env, ctx) };
