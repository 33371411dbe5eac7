// Loaded with `--import` by startup.mjs (one untimed run per command): registers trace-modules-hooks.mjs,
// which appends the URL of every module the process imports to the file COGAUTH_BENCH_MODULES names.
import { register } from 'node:module';

register('./trace-modules-hooks.mjs', import.meta.url);
