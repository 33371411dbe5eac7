// Deno: its own HTTP server on a free port, announced as the first line of stdout.
import { app } from './app.mjs';

Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port })) },
  app.fetch,
);
