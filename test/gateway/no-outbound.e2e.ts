import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../stack/index.ts';
import { gql, startTestStack } from '../helpers/stack.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

// Records every outbound connection the process opens while a stack starts and serves.
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
  // never let a regression actually reach out: refuse anything off this machine
  if (!opts.path && !LOOPBACK.test(target)) {
    process.nextTick(() => this.destroy(new Error(`outbound connection to ${target} blocked by test`)));
    return this;
  }
  return (original as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack.close();
  net.Socket.prototype.connect = original;
});

describe('the layer calls nothing but its own upstreams', () => {
  it('opens connections to loopback only (no telemetry, no cloud metadata probes)', async () => {
    const r = await gql(stack.gatewayUrl, '{ smmProviders { id balance { amount } } }');
    expect(r.errors).toBeUndefined();
    // give background work started by the gateway's constructor a moment to show itself
    await new Promise((res) => setTimeout(res, 500));
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((h) => !LOOPBACK.test(h))).toEqual([]);
  });
});
