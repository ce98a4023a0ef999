import { readFileSync } from 'node:fs';
import { buildASTSchema, parse, type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SOLMATE_DISTRICTS } from '../../emulators/solmate/index.ts';
import { orderStatus, parseOrder } from '../../subgraphs/solmate/client.ts';
import { solmateConfigFromEnv } from '../../subgraphs/solmate/config.ts';
import { credentialsFor } from '../../subgraphs/solmate/context.ts';
import { AD_DISTRICTS, districtValue } from '../../subgraphs/solmate/districts.ts';
import { checkCreate, checkUpdate, refusalUserError } from '../../subgraphs/solmate/input.ts';
import { limiter } from '../../subgraphs/solmate/loaders.ts';

const sdl = readFileSync(new URL('../../subgraphs/solmate/schema.graphql', import.meta.url), 'utf8');

describe('districts', () => {
  it('has exactly the seed districts, in order, each value described by its Chinese name', () => {
    // the federation directives are not needed to read the enum
    const schema = buildASTSchema(
      parse(sdl.replace(/^extend schema.*$/m, '').replace(/@\w+(\([^)]*\))?/g, '')),
    );
    const e = schema.getType('AdDistrict') as GraphQLEnumType;
    const values = e.getValues();
    expect(values).toHaveLength(32);
    expect(values.map((v) => [v.name, v.description])).toEqual(AD_DISTRICTS.map(([v, n]) => [v, n]));
    expect(AD_DISTRICTS.map(([, n]) => n)).toEqual([...SOLMATE_DISTRICTS]);
    expect(new Set(AD_DISTRICTS.map(([v]) => v)).size).toBe(32);
    expect(AD_DISTRICTS.find(([, n]) => n === '台北信義市府')?.[0]).toBe('TAIPEI_XINYI_CITY_HALL');
    expect(AD_DISTRICTS.find(([, n]) => n === '其他')?.[0]).toBe('OTHER');
  });

  it('reads names with stray spaces and leaves unknown ones out', () => {
    expect(districtValue(' 台北 士林天母 ')).toBe('TAIPEI_SHILIN_TIANMU');
    expect(districtValue('火星市區')).toBeUndefined();
    const rec = parseOrder('1', { id: '1', title: 't', districts: ['其他', '火星市區'] });
    expect(rec?.districts).toEqual(['OTHER']);
    expect(rec?.districtNames).toEqual(['其他', '火星市區']);
  });
});

describe('parsing', () => {
  it.each([
    ['running', 'RUNNING'],
    ['waiting', 'WAITING'],
    ['pending', 'PENDING'],
    ['limit by budget', 'LIMITED_BY_BUDGET'],
    ['Limit_By_Budget', 'LIMITED_BY_BUDGET'],
    ['stop', 'STOPPED'],
    ['error', 'ERROR'],
    ['archived', 'UNKNOWN'],
  ])('maps status %j to %s', (text, status) => {
    expect(orderStatus(text)).toBe(status);
  });

  it('reads both dialects of an order, keeping unknown values beside UNKNOWN', () => {
    const later = parseOrder('7', {
      id: '7',
      network: 'live',
      model: 'cpv',
      gender: 'female',
      total_budget: '10.10',
      display_time: '15',
    });
    expect(later).toMatchObject({
      network: 'UNKNOWN',
      networkText: 'live',
      model: 'CPV',
      gender: 'FEMALE',
      totalBudget: '10.10',
      displayTime: 15,
    });
    expect(
      parseOrder('7', { status: 'ok', order: { id: '7', title: 'x', network: 'COFFEE_RESTAURANT' } }),
    ).toMatchObject({ title: 'x', network: 'COFFEE_RESTAURANT' });
    // an answer about another order, or with no order fields at all, is not an order
    expect(parseOrder('7', { id: '8', title: 'x' })).toBeNull();
    expect(parseOrder('7', { status: 'ok' })).toBeNull();
  });
});

describe('input checks', () => {
  const good = {
    title: 't',
    network: 'VIESHOW',
    model: 'CPM',
    totalBudget: '100',
    dailyBudget: '100',
    materialUrl: 'https://a.example/m.mp4',
    clickUrl: 'http://a.example/c',
  } as const;

  it('builds the seed body with string budgets and no-limit defaults', () => {
    expect(
      checkCreate({ ...good, districts: ['OTHER', 'OTHER', 'HSINCHU_DOWNTOWN'], displayTime: 20 }),
    ).toEqual({
      ok: true,
      body: {
        title: 't',
        network: 'VIESHOW',
        model: 'CPM',
        total_budget: '100',
        daily_budget: '100',
        material_url: 'https://a.example/m.mp4',
        click_url: 'http://a.example/c',
        display_time: '20',
        gender: '',
        districts: ['其他', '新竹市區'],
      },
    });
  });

  it('compares budgets exactly', () => {
    const r = checkCreate({ ...good, totalBudget: '0.30000000000000001', dailyBudget: '0.3' });
    expect(r.ok).toBe(true);
    const r2 = checkCreate({ ...good, totalBudget: '0.3', dailyBudget: '0.30000000000000001' });
    expect(r2).toEqual({
      ok: false,
      userErrors: [
        {
          code: 'INVALID',
          message: 'dailyBudget must not be above totalBudget',
          field: ['input', 'dailyBudget'],
        },
      ],
    });
  });

  it('sends update fields only when given, under the configured districts key', () => {
    const base = {
      totalBudget: '5',
      dailyBudget: '1',
      materialUrl: good.materialUrl,
      clickUrl: good.clickUrl,
    };
    expect(checkUpdate(base, 'districts')).toEqual({
      ok: true,
      body: {
        total_budget: '5',
        daily_budget: '1',
        material_url: good.materialUrl,
        click_url: good.clickUrl,
      },
    });
    const r = checkUpdate({ ...base, gender: null, districts: [] }, 'district');
    expect(r.ok && r.body).toMatchObject({ gender: '', district: [] });
    expect(r.ok && 'districts' in r.body).toBe(false);
  });

  it('turns upstream refusals into codes, naming the field when upstream does', () => {
    expect(refusalUserError({ refused: 'model should not be empty', httpStatus: 200 }, false)).toEqual({
      code: 'REJECTED',
      message: 'model should not be empty',
      field: ['input', 'model'],
    });
    expect(refusalUserError({ refused: 'status can’t be changed', httpStatus: 200 }, true).code).toBe(
      'STATUS_CANNOT_CHANGE',
    );
    expect(refusalUserError({ refused: 'Wrong AD id', httpStatus: 200 }, true).code).toBe('NOT_FOUND');
  });
});

describe('credentials', () => {
  const config = solmateConfigFromEnv({ SOLMATE_USER: 'api@solmate.cc', SOLMATE_PASSWORD: 'Ilovesolmate' });

  it('builds Basic from the configuration, or takes the caller header as is', () => {
    expect(credentialsFor(config, { headers: {} }).authorization).toBe(
      'Basic YXBpQHNvbG1hdGUuY2M6SWxvdmVzb2xtYXRl',
    );
    const given = `Basic ${Buffer.from('a@b.c:pw-1234').toString('base64')}`;
    const c = credentialsFor(config, { headers: { 'x-solmate-authorization': given } });
    expect(c.authorization).toBe(given);
    expect(c.secrets).toContain('pw-1234');
  });

  it.each([
    ['Bearer abc'],
    ['Basic'],
    ['Basic !!!'],
    [`Basic ${Buffer.from('no-colon').toString('base64')}`],
  ])('refuses the header %j as UNAUTHENTICATED', (value) => {
    expect(() => credentialsFor(config, { headers: { 'x-solmate-authorization': value } })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    );
  });

  it('refuses bad configuration loudly', () => {
    expect(() => solmateConfigFromEnv({ SOLMATE_URL: 'ftp://x' })).toThrow(/SOLMATE_URL/);
    expect(() => solmateConfigFromEnv({ SOLMATE_UPDATE_DISTRICTS_KEY: 'area' })).toThrow(/DISTRICTS_KEY/);
    expect(solmateConfigFromEnv({}).updateDistrictsKey).toBe('districts');
  });
});

describe('limiter', () => {
  it('never runs more than n tasks at once and frees a slot when a task throws synchronously', async () => {
    const run = limiter(3);
    let active = 0;
    let max = 0;
    const task = async () => {
      active++;
      max = Math.max(max, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
    };
    const thrower = () => {
      throw new Error('boom');
    };
    const results = await Promise.allSettled([
      ...Array.from({ length: 5 }, () => run(thrower)),
      ...Array.from({ length: 12 }, () => run(task)),
    ]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5);
    expect(max).toBe(3);
  });
});
