// Bun: its own HTTP server on a free port, announced as the first line of stdout.
import { app } from './app.mjs';

const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
console.log(JSON.stringify({ port: server.port }));
