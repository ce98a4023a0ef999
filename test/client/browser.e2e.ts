import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { build, createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appConfig } from '../../client/app/vite.config.ts';
import { GRAPHIQL_OUT_DIR, graphiqlConfig } from '../../client/graphiql/vite.config.ts';
import type { SmmEmulator } from '../../emulators/smm/index.ts';
import { parts } from '../../stack/parts/index.ts';
import { useStack } from '../helpers/use-stack.ts';
import { maskSecret } from '../../emulators/shared/emulator.ts';

// Debian's chromium package (`apt-get install -y chromium`), driven by playwright-core: no
// browser download. Without it the suite is reported as skipped, never as passed.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`browser.e2e: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
}
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SHOTS = new URL('../../test-results/screenshots/', import.meta.url).pathname;

let emu: SmmEmulator;
let vite: ViteDevServer;
let appUrl: string;
let gatewayOrigin: string;
let profile: string;
let context: BrowserContext;
let page: Page;
/** Requests the pages tried to send anywhere but loopback (the app and GraphiQL work offline). */
const offsite: string[] = [];

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const addCalls = () => emu.calls('sosyal/add');

describe.skipIf(!hasChromium)('the example app and /graphiql in headless Chromium', () => {
  // before the hook below, which builds the app against this stack's gateway
  const h = useStack(parts);
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    emu = h.stack.emulators.smm as SmmEmulator;
    gatewayOrigin = new URL(h.stack.gatewayUrl).origin;
    if (!existsSync(join(GRAPHIQL_OUT_DIR, 'index.html'))) await build(graphiqlConfig());

    vite = await createServer({
      ...appConfig(h.stack.gatewayUrl),
      logLevel: 'error',
      server: {
        ...appConfig(h.stack.gatewayUrl).server,
        host: '127.0.0.1',
        port: 0,
        hmr: false,
        watch: null,
      },
    });
    await vite.listen();
    appUrl = vite.resolvedUrls!.local[0]!;

    profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    // offline by construction: anything but loopback is refused and remembered
    await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)[:/])/, (route) => {
      offsite.push(route.request().url());
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await vite?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  beforeEach(() => {
    for (const e of Object.values(h.stack.emulators)) e.clearRequests();
  });

  it('shows every provider’s balance', async () => {
    await page.goto(appUrl);
    await expect.poll(() => page.getByTestId('balance-sosyal').textContent()).toBe('100.84292 USD');
    expect(await page.getByTestId('balance-baostar').textContent()).toBe('343423.1234567 VND');
    await shot('01-balances');
  });

  it('tracks orders in a status table, unknown ids included', async () => {
    await page.getByTestId('track-input').fill('23501, 23505 424242');
    await page.getByTestId('track-button').click();
    const badge = (id: string) => page.getByTestId(`order-${id}`).locator('.badge');
    await expect.poll(() => badge('23501').textContent()).toBe('COMPLETED');
    expect(await badge('23501').getAttribute('class')).toBe('badge badge-green');
    expect(await badge('23505').textContent()).toBe('PARTIAL');
    expect(await badge('424242').textContent()).toBe('NOT FOUND');
    expect(await page.getByTestId('order-23501').locator('td').nth(2).textContent()).toBe('0.9 USD');
    // the three ids were asked for in one multi-status call
    expect(emu.calls('sosyal/status')).toHaveLength(1);
    await shot('02-orders');
  });

  it('adapts the add-order form to the chosen service’s type', async () => {
    const select = page.getByTestId('service-select');
    await select.selectOption('2'); // Custom Comments: link + one comment per line, no quantity
    await expect.poll(() => page.getByTestId('field-comments').count()).toBe(1);
    expect(await page.getByTestId('field-quantity').count()).toBe(0);
    await select.selectOption('15'); // Subscriptions: no link at all
    await expect.poll(() => page.getByTestId('field-min').count()).toBe(1);
    expect(await page.getByTestId('field-link').count()).toBe(0);
    expect(await page.getByTestId('field-expiry').count()).toBe(1);
    await shot('03-subscription-form');
  });

  it('shows a userError next to its field, and the panel is never called', async () => {
    await page.getByTestId('service-select').selectOption('1'); // Followers: min 50
    await page.getByTestId('field-link').fill('https://instagram.com/p/demo');
    await page.getByTestId('field-quantity').fill('10');
    await page.getByTestId('add-order-submit').click();
    const error = page.locator('.field:has([data-testid="field-quantity"]) .field-error');
    await expect.poll(() => error.textContent()).toBe('Quantity less than minimal 50 QUANTITY_TOO_LOW');
    expect(await error.getAttribute('data-code')).toBe('QUANTITY_TOO_LOW');
    expect(await page.getByTestId('order-placed').count()).toBe(0);
    expect(addCalls()).toHaveLength(0);
    await shot('04-user-error');
  });

  it('submits an order: it joins the table and the balance drops', async () => {
    await page.getByTestId('field-quantity').fill('100');
    await page.getByTestId('add-order-submit').click();
    await expect
      .poll(() => page.getByTestId('order-placed').textContent())
      .toBe('Order 23506 placed for 0.09 USD.');
    expect(await page.locator('.field-error').count()).toBe(0);
    expect(addCalls()).toHaveLength(1);
    expect(addCalls()[0]!.body).toMatchObject({
      action: 'add',
      service: '1',
      link: 'https://instagram.com/p/demo',
      quantity: '100',
    });
    await expect.poll(() => page.getByTestId('order-23506').locator('.badge').count()).toBe(1);
    await expect.poll(() => page.getByTestId('balance-sosyal').textContent()).toBe('100.75292 USD');
    await shot('05-order-placed');
  });

  it('says plainly when an order’s outcome is unknown, and a retry never places it twice', async () => {
    const keys: unknown[] = [];
    const onRequest = (r: Request) => {
      const body = r.postDataJSON() as {
        operationName?: string;
        variables?: { idempotencyKey?: string };
      } | null;
      if (body?.operationName === 'SmmAddOrder') keys.push(body.variables?.idempotencyKey);
    };
    page.on('request', onRequest);
    emu.setFault({ kind: 'hang', match: 'sosyal/add', times: 1 });
    const notice = page.locator('[role="alert"][data-code="OUTCOME_UNKNOWN"]');

    await page.getByTestId('add-order-submit').click();
    await expect.poll(() => notice.count(), { timeout: 10_000 }).toBe(1);
    expect(await notice.locator('strong').textContent()).toMatch(
      /^Outcome unknown: .* Check before you try again/,
    );
    await shot('06-outcome-unknown');

    // the same attempt again: same key, answered from the first attempt, the panel not called
    await page.getByTestId('add-order-submit').click();
    await expect.poll(() => notice.locator('.notice-detail').textContent()).toMatch(/nothing was sent again/);
    expect(addCalls()).toHaveLength(1);

    // the user checked and asks for a new order: a new key
    await page.getByTestId('place-as-new').click();
    await expect
      .poll(() => page.getByTestId('order-placed').textContent())
      .toBe('Order 23507 placed for 0.09 USD.');
    expect(addCalls()).toHaveLength(2);
    page.off('request', onRequest);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('says plainly when the provider rate-limits', async () => {
    emu.setFault({ kind: 'rateLimit', match: 'sosyal/add', times: 1 });
    await page.getByTestId('field-quantity').fill('120');
    await page.getByTestId('add-order-submit').click();
    const notice = page.locator('[role="alert"][data-code="RATE_LIMITED"]');
    await expect.poll(() => notice.count(), { timeout: 10_000 }).toBe(1);
    expect(await notice.locator('strong').textContent()).toMatch(/^Rate limited: .* Wait a minute/);
    await shot('07-rate-limited');
  });

  it('tracks Solmate ad orders with status badges and district names, and pauses one', async () => {
    await page.getByTestId('tab-solmate').click();
    await page.getByTestId('track-input').fill('102341285566 102341285567');
    await page.getByTestId('track-button').click();
    const row = (id: string) => page.getByTestId(`ad-order-${id}`);
    await expect.poll(() => row('102341285566').locator('.badge').textContent()).toBe('RUNNING');
    expect(await row('102341285567').locator('.badge').textContent()).toBe('LIMITED BY BUDGET');
    expect(await row('102341285566').locator('td').nth(4).textContent()).toBe('台北信義市府、台北士林天母');
    await row('102341285566').getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => row('102341285566').locator('.badge').textContent()).toBe('STOPPED');
    expect(h.stack.emulators.solmate!.calls('pauseOrder')).toHaveLength(1);
    await shot('10-solmate-orders');
  });

  it('creates an ad order with the district picker; a bad budget is a userError at its field', async () => {
    const solmate = h.stack.emulators.solmate!;
    await page.getByTestId('field-title').fill('E2E 測試廣告');
    await page.getByTestId('field-network').selectOption('SALON');
    await page.getByTestId('field-model').selectOption('CPV');
    await page.getByTestId('field-totalBudget').fill('1000');
    await page.getByTestId('field-dailyBudget').fill('2000');
    await page.getByTestId('field-materialUrl').fill('https://cdn.example.com/ad.mp4');
    await page.getByTestId('field-clickUrl').fill('https://example.com/landing');
    await page.getByTestId('district-TAICHUNG_DOWNTOWN').check();
    await page.getByTestId('district-TAINAN_DOWNTOWN').check();
    expect(await page.getByTestId('district-summary').textContent()).toBe('2 picked');
    await page.getByTestId('ad-order-submit').click();
    const error = page.locator('[data-field="dailyBudget"] .field-error');
    await expect.poll(() => error.textContent()).toBe('dailyBudget must not be above totalBudget INVALID');
    expect(solmate.calls('createOrder')).toHaveLength(0);
    await shot('11-solmate-user-error');

    await page.getByTestId('field-dailyBudget').fill('100');
    await page.getByTestId('ad-order-submit').click();
    await expect
      .poll(() => page.getByTestId('ad-order-created').textContent())
      .toMatch(/^Order \d+ created\.$/);
    const id = (await page.getByTestId('ad-order-created').locator('code').textContent())!;
    expect(solmate.calls('createOrder')).toHaveLength(1);
    expect(solmate.calls('createOrder')[0]!.body).toMatchObject({
      title: 'E2E 測試廣告',
      network: 'SALON',
      districts: ['台中市區', '台南市區'],
    });
    await expect
      .poll(() => page.getByTestId(`ad-order-${id}`).locator('td').nth(4).textContent())
      .toBe('台中市區、台南市區');
    await shot('12-solmate-created');
  });

  it('checks Match IDs; a spent hit budget reads as rate limited', async () => {
    await page.getByTestId('tab-solsub').click();
    await page.getByTestId('match-id-input').fill('PAID_001');
    await page.getByTestId('match-id-check').click();
    const result = page.getByTestId('match-id-result');
    await expect.poll(() => result.locator('.badge').textContent()).toBe('PAID ACTIVE');
    expect(await result.locator('strong').textContent()).toBe('active');

    await page.getByTestId('match-id-input').fill('LIMIT_001');
    await page.getByTestId('match-id-check').click();
    const notice = page.locator('[role="alert"][data-code="RATE_LIMITED"]');
    await expect.poll(() => notice.count()).toBe(1);
    expect(await result.count()).toBe(0);
    await shot('13-match-id-rate-limited');
  });

  it('registers a Match ID; a duplicate is a userError at the field', async () => {
    await page.getByTestId('new-match-id').fill('E2E_NEW_001');
    await page.getByTestId('create-match-id').click();
    await expect
      .poll(() => page.getByTestId('match-id-created').textContent())
      .toMatch(/^E2E_NEW_001 registered in /);
    await page.getByTestId('new-match-id').fill('PAID_001');
    await page.getByTestId('create-match-id').click();
    const error = page.locator('[data-field="matchId"] .field-error');
    await expect.poll(() => error.getAttribute('data-code')).toBe('DUPLICATE');
    await shot('14-match-id-duplicate');
  });

  it('asks for a Likenama token, then shows that user’s account, campaigns and shop', async () => {
    await page.getByTestId('tab-likenama').click();
    await page.getByTestId('likenama-token').fill('demo-locked-token');
    await page.getByTestId('likenama-use-token').click();
    const refused = page.locator('[role="alert"][data-code="UNAUTHENTICATED"]');
    await expect.poll(() => refused.count()).toBe(1);
    await shot('15-likenama-refused');

    await page.getByTestId('likenama-forget').click();
    await page.getByTestId('likenama-token').fill('demo-phoebe-token');
    await page.getByTestId('likenama-use-token').click();
    await expect
      .poll(() => page.getByTestId('likenama-viewer').locator('.card-title').textContent())
      .toBe('@phoebe_buffay');
    await expect
      .poll(() => page.getByTestId('campaign-2422').locator('.badge').textContent())
      .toBe('SHOWING');
    expect(await page.getByTestId('campaign-2420').locator('.badge').textContent()).toBe('REJECTED');
    await expect.poll(() => page.getByTestId('products-table').locator('tr').count()).toBeGreaterThan(0);
    const sent = h.stack.emulators.likenama!.calls().map((r) => r.headers.authorization);
    expect(new Set(sent)).toEqual(new Set(['demo-locked-token', 'demo-phoebe-token'].map(maskSecret)));
    await shot('16-likenama');
  });

  it('runs a query in the self-hosted GraphiQL, with nothing loaded from outside', async () => {
    const query = '{ smmProviders { id balance { amount currency } } }';
    await page.goto(`${gatewayOrigin}/graphiql/?query=${encodeURIComponent(query)}`);
    const run = page.locator('.graphiql-execute-button');
    await run.waitFor({ timeout: 20_000 });
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
    await run.click();
    // Monaco renders spaces as no-break spaces
    const result = async () => (await page.locator('.result-window').innerText()).replace(/\u00a0/g, ' ');
    await expect.poll(result, { timeout: 15_000 }).toContain('"amount": "100.66292"');
    expect(await result()).toContain('"id": "baostar"');
    // the docs come from introspection through the same gateway
    await page.locator('[aria-label="Show Documentation Explorer"]').click();
    await expect.poll(() => page.locator('.graphiql-doc-explorer').innerText()).toContain('Query');
    await shot('08-graphiql');
    expect(offsite).toEqual([]);
  });
});
