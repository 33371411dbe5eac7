// Vercel's edge-runtime: a script in a Node vm context with only the edge globals, answering fetch events.
import { app } from './app.mjs';

addEventListener('fetch', (event) => event.respondWith(app.fetch(event.request)));
