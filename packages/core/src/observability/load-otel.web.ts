// The web build's twin of load-otel.ts (same exports): Web runtimes have no `require` to load a package
// at creation; tracing there is refused with the reason.

export function loadOtelApi(): unknown {
  throw new Error('no require() on this runtime');
}
