import { Socket } from 'node:net';

/**
 * Counts outgoing connections (`net.Socket#connect`, which http, https and tls all go through) until
 * `restore()`. Proves "no network call" without trusting any one server's count.
 */
export function countConnections(): { count: () => number; restore: () => void } {
  const original = Socket.prototype.connect;
  let count = 0;
  Socket.prototype.connect = function connect(this: Socket, ...args: unknown[]) {
    count += 1;
    return (original as (...a: unknown[]) => Socket).apply(this, args);
  } as typeof original;
  return {
    count: () => count,
    restore: () => {
      Socket.prototype.connect = original;
    },
  };
}
