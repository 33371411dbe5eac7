/**
 * Loopback hosts: 127.0.0.0/8, `::1` and `localhost`, where a plain http:// request never leaves the
 * machine. The one place core, the CLI, the CDK construct and the Serverless plugin decide it.
 */

/**
 * Whether a WHATWG URL's `hostname` is a loopback host. URL parsing has already written every IPv4
 * spelling (`127.1`, `0x7f.1`, `2130706433`) in dotted decimal and every IPv6 one of ::1 as `[::1]`; any
 * other name, `*.localhost` and `localhost.` included, is not loopback: a resolver may send it anywhere.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const parts = host.split('.');
  return (
    parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) < 256)
  );
}
