import { parse as parseLossless } from 'lossless-json';
import { describe, expect, it } from 'vitest';
import { parseExactJson } from '../../subgraphs/shared/exact-json.ts';
import { parseJsonExact } from '../../subgraphs/shared/http.ts';

// parseExactJson replaced lossless-json (kept as a dev dependency for this comparison): for every
// text, both refuse it or both give the same value, numbers as their source text.
const lossless = (text: string) => parseLossless(text, undefined, (s: string) => s);

type Outcome = { ok: true; value: string; protos: string } | { ok: false };

/** The value as text, key order and own `__proto__` keys included, and every object's prototype. */
function outcome(parse: (t: string) => unknown, text: string): Outcome {
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(SyntaxError);
    return { ok: false };
  }
  const protos: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v !== 'object' || v === null) return;
    protos.push(
      Array.isArray(v) ? 'array' : Object.getPrototypeOf(v) === Object.prototype ? 'object' : 'other',
    );
    for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
  };
  walk(value);
  return { ok: true, value: JSON.stringify(value) ?? 'undefined', protos: protos.join(',') };
}

const same = (text: string) => expect(outcome(parseExactJson, text), text).toEqual(outcome(lossless, text));

// a small deterministic generator (mulberry32), so a failure names a text that can be replayed
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '"a"',
  '"é\\u00e9"',
  '"\\n\\"\\\\\\/"',
  '"\\ud83d\\ude00"',
  '""',
  '"__proto__"',
  '0',
  '-0',
  '12',
  '0.27819',
  '-1.5e-7',
  '1E+21',
  '12345678901234567890.123456789',
  'true',
  'false',
  'null',
];

function generate(next: () => number, depth = 0): string {
  const ws = () => [' ', '', '', '\n', '\t', '\r\n  '][Math.floor(next() * 6)]!;
  const r = next();
  if (depth > 3 || r < 0.45) return PIECES[Math.floor(next() * PIECES.length)]!;
  const n = Math.floor(next() * 4);
  if (r < 0.7) {
    return `[${ws()}${Array.from({ length: n }, () => generate(next, depth + 1)).join(`${ws()},${ws()}`)}${ws()}]`;
  }
  // few key names, so keys repeat (with equal and with different values)
  const keys = ['"a"', '"b"', '"__proto__"', '"1"', '"toString"'];
  const members = Array.from(
    { length: n },
    () => `${keys[Math.floor(next() * keys.length)]}${ws()}:${ws()}${generate(next, depth + 1)}`,
  );
  return `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`;
}

/** One character deleted, inserted or replaced: mostly invalid texts, some still valid. */
function mutate(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const chars = '{}[],:"\\-+.eE0123456789tfnu \n\x01';
  const c = chars[Math.floor(next() * chars.length)]!;
  const r = next();
  if (r < 0.33) return text.slice(0, at) + text.slice(at + 1);
  if (r < 0.66) return text.slice(0, at) + c + text.slice(at);
  return text.slice(0, at) + c + text.slice(at + 1);
}

describe('parseExactJson, against lossless-json', () => {
  it('reads what lossless-json read, numbers as their exact text', () => {
    for (const text of [
      '{"1001":{"charge":"0.27819","start_count":"3572","status":"Partial","remains":"157","currency":"USD"},' +
        '"1002":{"error":"Incorrect order ID"}}',
      '{"charge":0.1000000000000000055511151231257827,"start_count":9007199254740993,"remains":-0}',
      ' [ 1 , 2.50 , -3e2 , 4E-0 , true , false , null , "" , {} , [ ] ] ',
      '"a string"',
      '123',
      '{"__proto__":{"polluted":"1"},"a":"1"}',
      '{"a":"1","a":"1"}',
      '{"a":{"b":["1"]},"a":{"b":["1"]}}',
      '{"a":[],"a":{}}',
      '{"a":["1"],"a":{"0":"1"}}',
      '"\\u00e9\\ud83d\\ude00 \\b\\f\\n\\r\\t\\/\\\\\\""',
      '"\u00e9\ud83d\ude00\u007f"',
    ]) {
      same(text);
      expect(outcome(parseExactJson, text).ok, text).toBe(true);
    }
    expect(parseExactJson('{"charge":0.1000000000000000055511151231257827}')).toEqual({
      charge: '0.1000000000000000055511151231257827',
    });
    expect(Object.getPrototypeOf(parseExactJson('{"__proto__":{"polluted":"1"}}'))).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses what lossless-json refused', () => {
    for (const text of [
      '',
      ' ',
      '{',
      '}',
      '[1,]',
      '[,1]',
      '{"a":1,}',
      '{,}',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '{"a":1 "b":2}',
      '[1 2]',
      '01',
      '-',
      '-a',
      '1.',
      '.5',
      '1e',
      '1e+',
      '+1',
      'tru',
      'nul',
      'True',
      'NaN',
      'Infinity',
      '"abc',
      '"a\\x"',
      '"a\\u12G4"',
      '"a\\u12"',
      '"a\\',
      '"tab\there"',
      '"line\nbreak"',
      '{"a":"1","a":"2"}',
      '{"a":{"b":"1"},"a":{"b":"2"}}',
      '{"a":["1"],"a":["1","2"]}',
      '{"a":"1"} x',
      '[1]]',
      '<html></html>',
    ]) {
      same(text);
      expect(outcome(parseExactJson, text).ok, text).toBe(false);
    }
  });

  it('agrees on generated texts and on every one-character change of them', () => {
    const next = random(13);
    let refused = 0;
    for (let k = 0; k < 3000; k++) {
      const text = generate(next);
      same(text);
      for (let m = 0; m < 4; m++) {
        const changed = mutate(text, next);
        same(changed);
        if (!outcome(lossless, changed).ok) refused++;
      }
    }
    // the mutations reach both sides of the line
    expect(refused).toBeGreaterThan(3000);
    expect(refused).toBeLessThan(12000);
  });

  it('is what parseJsonExact reads upstream answers with', () => {
    expect(parseJsonExact('{"balance":100.84292,"currency":"USD"}')).toEqual({
      balance: '100.84292',
      currency: 'USD',
    });
  });
});
