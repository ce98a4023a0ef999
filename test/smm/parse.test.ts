import { describe, expect, it } from 'vitest';
import {
  classifyPanelError,
  parseOrderStatus,
  parseService,
  serviceType,
} from '../../subgraphs/smm/client.ts';
import { parseJsonExact } from '../../subgraphs/shared/http.ts';
import { toDecimal, toInt } from '../../subgraphs/shared/values.ts';

describe('SMM response variations', () => {
  it('keeps money exact whether the panel sends strings or numbers', () => {
    const body = parseJsonExact(
      '{"balance": 343423.1234567, "charge": "0.27819", "big": 12345678901234567890.123456789}',
    );
    expect(body).toEqual({
      balance: '343423.1234567',
      charge: '0.27819',
      big: '12345678901234567890.123456789',
    });
    expect(toDecimal('0.27819')).toBe('0.27819');
    expect(toDecimal('+12')).toBe('12');
    expect(toDecimal('1e5')).toBeNull();
    expect(toDecimal('abc')).toBeNull();
  });

  it('reads remains as "+12", negative numbers, numbers, and null for "Unknown"', () => {
    expect(toInt('+12')).toBe(12);
    expect(toInt('-2')).toBe(-2);
    expect(toInt('157')).toBe(157);
    expect(toInt('Unknown')).toBeNull();
    expect(toInt('1.5')).toBeNull();
  });

  it('parses the standard order status body', () => {
    const raw = parseJsonExact(
      '{"charge":"0.27819","start_count":"3572","status":"Partial","remains":"157","currency":"USD"}',
    );
    expect(parseOrderStatus('p', '1', raw)).toEqual({
      provider: 'p',
      id: '1',
      status: 'PARTIAL',
      statusText: 'Partial',
      charge: '0.27819',
      startCount: 3572,
      remains: 157,
      currency: 'USD',
    });
  });

  it('parses start_counter, numbers, lower-case statuses and a missing currency', () => {
    const raw = parseJsonExact('{"charge":2.5,"start_counter":168,"status":"processing","remains":"+3"}');
    expect(parseOrderStatus('p', '9', raw)).toMatchObject({
      status: 'PROCESSING',
      statusText: 'processing',
      charge: '2.5',
      startCount: 168,
      remains: 3,
      currency: null,
    });
  });

  it.each([
    ['Pending', 'PENDING'],
    ['In progress', 'IN_PROGRESS'],
    ['in_progress', 'IN_PROGRESS'],
    ['Completed', 'COMPLETED'],
    ['Canceled', 'CANCELED'],
    ['Cancelled', 'CANCELED'],
    ['Refunded', 'REFUNDED'],
    ['Active', 'ACTIVE'],
    ['Paused', 'PAUSED'],
    ['Expired', 'EXPIRED'],
    ['Teleported', 'UNKNOWN'],
  ])('maps status %j to %s and keeps the raw text', (text, status) => {
    expect(parseOrderStatus('p', '1', { status: text })).toMatchObject({ status, statusText: text });
  });

  it('reads a per-id failure as an object with error or as a bare string', () => {
    expect(parseOrderStatus('p', '10', { error: 'Incorrect order ID' })).toEqual({
      refused: 'Incorrect order ID',
    });
    expect(parseOrderStatus('p', '10', 'Incorrect order ID')).toEqual({ refused: 'Incorrect order ID' });
    expect(parseOrderStatus('p', '10', { nothing: 1 })).toBeNull();
  });

  it('parses services with string or number fields, optional dripfeed and desc', () => {
    const [a, b] = (
      parseJsonExact(
        '[{"service":1,"name":"Followers","type":"Default","category":"First Category","rate":"0.90","min":"50","max":"10000","refill":true,"cancel":true},' +
          '{"service":"2","name":"Comments","type":"custom_comments","category":"X","rate":8,"min":10,"max":1500,"dripfeed":false,"desc":"d"}]',
      ) as unknown[]
    ).map(parseService);
    expect(a).toMatchObject({
      id: '1',
      type: 'DEFAULT',
      rate: '0.90',
      min: 50,
      max: 10000,
      refill: true,
      cancel: true,
      dripfeed: null,
    });
    expect(b).toMatchObject({
      id: '2',
      type: 'CUSTOM_COMMENTS',
      typeText: 'custom_comments',
      rate: '8',
      refill: false,
      cancel: false,
      dripfeed: false,
      description: 'd',
    });
    expect(parseService({ service: 3, name: 'x' })).toBeNull();
  });

  it('normalises service type spellings', () => {
    expect(serviceType('Custom Comments')).toBe('CUSTOM_COMMENTS');
    expect(serviceType('custom_comments')).toBe('CUSTOM_COMMENTS');
    expect(serviceType('Mentions with Hashtags')).toBe('MENTIONS_WITH_HASHTAGS');
    expect(serviceType('Invites from Groups')).toBe('INVITES_FROM_GROUPS');
    expect(serviceType('Something New')).toBe('UNKNOWN');
  });

  it.each([
    ['Invalid API key', 'UNAUTHENTICATED'],
    ['error.invalid_key', 'UNAUTHENTICATED'],
    ['Rate limit exceeded', 'RATE_LIMITED'],
    ['Incorrect order ID', null],
    ['Not enough funds on balance', null],
    ['neworder.error.not_enough_funds', null],
  ])('classifies panel error %j as %s', (text, code) => {
    expect(classifyPanelError(text)).toBe(code);
  });
});
