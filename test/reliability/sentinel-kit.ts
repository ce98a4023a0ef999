// Tools of sentinels.e2e.ts: a proxy that lets subgraphs use sentinel credentials against
// emulators that only know their demo ones (and can echo whole requests back, as careless
// upstreams do), a generator of an operation for every root field, and the scanner.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';
import { request } from 'undici';

/** A unique credential stand-in, with characters that change under URL, form and Base64 encoding. */
export const sentinel = (label: string) => `SNTL_${label}_${randomBytes(6).toString('hex')}+/=`;

/** The ways a secret can appear once sent: raw, URL/form-encoded, JSON-escaped, Base64. */
export function formsOf(secret: string): string[] {
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ k: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      Buffer.from(secret).toString('base64'),
    ]),
  ];
}

function replaceAll(text: string, pairs: Array<[string, string]>): string {
  let out = text;
  for (const [from, to] of pairs) out = out.split(from).join(to);
  return out;
}

/** The same encoded form of `to` for every encoded form of `from` (Base64 aside). */
const formPairs = (from: string, to: string): Array<[string, string]> => [
  [from, to],
  [encodeURIComponent(from), encodeURIComponent(to)],
  [new URLSearchParams({ k: from }).toString().slice(2), new URLSearchParams({ k: to }).toString().slice(2)],
];

export type EchoMode = { status: number; type: 'json' | 'text' | 'html' };

export const ECHO_MODES: EchoMode[] = [
  { status: 200, type: 'json' },
  { status: 400, type: 'json' },
  { status: 401, type: 'json' },
  { status: 404, type: 'json' },
  { status: 422, type: 'json' },
  { status: 429, type: 'json' },
  { status: 500, type: 'text' },
  { status: 502, type: 'html' },
  { status: 200, type: 'text' },
];

/**
 * Sits between a subgraph and an emulator. Requests: every sentinel (raw, encoded, inside a Basic
 * header) becomes the demo value the emulator knows. Answers: every demo value becomes its
 * sentinel again, so an upstream that echoes a credential echoes the sentinel. With `echo` set,
 * it answers itself with the whole request it received (headers and body) in its error text.
 */
export class SentinelProxy {
  private server?: Server;
  url = '';
  echo: EchoMode | null = null;
  /** sentinels seen in requests: proves each credential was really used */
  readonly seen = new Set<string>();
  /** Authorization header values that carried a sentinel (scanned for too: Basic hides it) */
  readonly authHeaders = new Set<string>();

  constructor(
    private readonly target: string,
    /** sentinel → demo value */
    private readonly map: Map<string, string>,
  ) {}

  /** the sentinels this proxy stands in for */
  sentinels(): string[] {
    return [...this.map.keys()];
  }

  private toDemo(text: string): string {
    for (const s of this.map.keys()) if (formsOf(s).some((f) => text.includes(f))) this.seen.add(s);
    return replaceAll(
      text,
      [...this.map].flatMap(([s, demo]) => formPairs(s, demo)),
    );
  }

  private toSentinel(text: string): string {
    return replaceAll(
      text,
      [...this.map].flatMap(([s, demo]) => formPairs(demo, s)),
    );
  }

  private authToDemo(value: string): string {
    const m = /^Basic (\S+)$/i.exec(value);
    if (!m) return this.toDemo(value);
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const rewritten = this.toDemo(decoded);
    if (rewritten !== decoded) this.authHeaders.add(value);
    return `Basic ${Buffer.from(rewritten).toString('base64')}`;
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (reply) => {
          if (!reply) return void res.destroy();
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body);
        },
        () => res.destroy(),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(
    req: IncomingMessage,
  ): Promise<{ status: number; headers: Record<string, string>; body: string } | null> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      const value = Array.isArray(v) ? v.join(', ') : (v ?? '');
      if (k === 'authorization' && this.toDemo(value) !== value) this.authHeaders.add(value);
      headers[k] = value;
    }

    if (this.echo) {
      this.toDemo(`${req.url}\n${JSON.stringify(headers)}\n${body}`); // records what was seen
      const echoed = `${req.method} ${req.url}\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')}\n\n${body}`;
      const { status, type } = this.echo;
      if (type === 'json') {
        return {
          status,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            status: 'failed',
            error: `Invalid request: ${echoed}`,
            message: `Invalid request: ${echoed}`,
            detail: `Invalid request: ${echoed}`,
            errors: [{ message: echoed }],
          }),
        };
      }
      const text =
        type === 'html' ? `<html><body><pre>${echoed}</pre></body></html>` : `Bad request: ${echoed}`;
      return {
        status,
        headers: { 'content-type': type === 'html' ? 'text/html' : 'text/plain' },
        body: text,
      };
    }

    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding'].includes(k)) continue;
      out[k] = k === 'authorization' ? this.authToDemo(v) : this.toDemo(v);
    }
    const abort = new AbortController();
    req.socket.once('close', () => abort.abort());
    try {
      const res = await request(`${this.target}${this.toDemo(req.url ?? '/')}`, {
        method: req.method as 'GET',
        headers: out,
        body: body === '' ? undefined : this.toDemo(body),
        signal: abort.signal,
      });
      const text = await res.body.text();
      const back: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) {
        if (['connection', 'content-length', 'keep-alive', 'transfer-encoding'].includes(k)) continue;
        back[k] = this.toSentinel(Array.isArray(v) ? v.join(', ') : String(v));
      }
      return { status: res.statusCode, headers: back, body: this.toSentinel(text) };
    } catch {
      return null;
    }
  }
}

// ---- one operation per root field, arguments made up from their types ----

export interface GeneratedOp {
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Which root fields a part's SDL declares. */
export function rootFieldsOf(sdl: string): { query: string[]; mutation: string[] } {
  const out = { query: [] as string[], mutation: [] as string[] };
  for (const def of parse(sdl).definitions) {
    if (def.kind !== 'ObjectTypeDefinition' && def.kind !== 'ObjectTypeExtension') continue;
    const op = def.name.value === 'Query' ? 'query' : def.name.value === 'Mutation' ? 'mutation' : null;
    if (op) out[op].push(...(def.fields ?? []).map((f) => f.name.value));
  }
  return out;
}

export interface ArgChoices {
  /** values by argument or input field name (e.g. provider: "sosyal") */
  byName: Record<string, unknown>;
  /** a String argument named like a credential (token, password...) gets a fresh sentinel */
  credential: (name: string) => string;
}

const CREDENTIAL_NAME = /(token|password|secret|apikey|api_key)$/i;

function valueFor(name: string, type: GraphQLInputType, choices: ArgChoices): unknown {
  if (name in choices.byName) return choices.byName[name];
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [valueFor(name, inner.ofType, choices)];
  if (isEnumType(inner)) return inner.getValues()[0]!.value;
  if (isInputObjectType(inner)) {
    const obj: Record<string, unknown> = {};
    for (const f of Object.values(inner.getFields())) {
      if (isNonNullType(f.type)) obj[f.name] = valueFor(f.name, f.type, choices);
    }
    return obj;
  }
  const scalar = getNamedType(inner).name;
  if (scalar === 'String' && CREDENTIAL_NAME.test(name)) return choices.credential(name);
  switch (scalar) {
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    case 'ID':
      return '1';
    case 'Decimal':
      return '1';
    case 'DateTime':
      return '2030-01-01T00:00:00+00:00';
    default:
      return 'x';
  }
}

function selectionOf(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (!isObjectType(named) || depth > 2) return '{ __typename }';
  const parts = ['__typename'];
  for (const f of Object.values(named.getFields()) as Array<GraphQLField<unknown, unknown>>) {
    if (f.args.some((a) => isNonNullType(a.type))) continue;
    const sub = selectionOf(f.type, depth + 1);
    parts.push(sub ? `${f.name} ${sub}` : f.name);
  }
  return `{ ${parts.join(' ')} }`;
}

/** An operation for each root field, with every argument given as a variable. */
export function generateOps(
  schema: GraphQLSchema,
  fields: { query: string[]; mutation: string[] },
  choices: ArgChoices,
): GeneratedOp[] {
  const ops: GeneratedOp[] = [];
  for (const kind of ['query', 'mutation'] as const) {
    const root = kind === 'query' ? schema.getQueryType() : schema.getMutationType();
    for (const name of fields[kind]) {
      const field = root?.getFields()[name];
      if (!field) continue;
      const varDefs = field.args.map((a) => `$${a.name}: ${a.type.toString()}`);
      const args = field.args.map((a) => `${a.name}: $${a.name}`);
      const variables = Object.fromEntries(
        field.args.map((a) => [a.name, valueFor(a.name, a.type, choices)]),
      );
      const head = varDefs.length ? `${kind}(${varDefs.join(', ')})` : kind;
      const call = args.length ? `${name}(${args.join(', ')})` : name;
      ops.push({ field: name, query: `${head} { ${call} ${selectionOf(field.type, 1)} }`, variables });
    }
  }
  return ops;
}

/** Every (needle, where) pair found: the scan's result, empty when nothing leaked. */
export function scan(haystacks: Array<{ where: string; text: string }>, needles: string[]): string[] {
  const hits: string[] = [];
  for (const { where, text } of haystacks) {
    for (const n of needles)
      if (text.includes(n))
        hits.push(
          `${where}: …${text.slice(Math.max(0, text.indexOf(n) - 80), text.indexOf(n) + n.length + 20)}…`,
        );
  }
  return hits;
}
