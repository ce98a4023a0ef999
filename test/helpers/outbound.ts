import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

/**
 * Records every outbound TCP connection this process opens, and refuses any that leaves the
 * machine, so a regression (telemetry, metadata probes) is caught without ever reaching out.
 */
export function guardOutbound() {
  const targets: string[] = [];
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect() hands over its normalised arguments as one array
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const opts = (typeof first === 'object' && first !== null ? first : { port: first, host: args[1] }) as {
      host?: string;
      path?: string;
    };
    const target = opts.path ?? opts.host ?? 'localhost';
    targets.push(target);
    if (!opts.path && !LOOPBACK.test(target)) {
      process.nextTick(() => this.destroy(new Error(`outbound connection to ${target} blocked by test`)));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  return {
    targets,
    offMachine: () => targets.filter((h) => !LOOPBACK.test(h)),
    restore: () => {
      net.Socket.prototype.connect = original;
    },
  };
}
