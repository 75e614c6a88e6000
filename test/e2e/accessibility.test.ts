import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchMails } from '../../src/app/mail.ts';
import { createStaff } from '../../src/app/staff.ts';
import { TEST_CARDS } from '../../src/adapters/payments/testProvider.ts';
import { producerWithEvent, type TestBoxOffice } from '../support/boxOffice.ts';
import { type BrowserBoxOffice, startBrowserBoxOffice } from '../support/browserBoxOffice.ts';
import { createPublishedEventThroughPages } from '../support/eventAdmin.ts';
import { producerWithSeatedEvent } from '../support/seating.ts';
import { seatRepo } from '../../src/adapters/db/repos/seats.ts';
import { smallTheatreSeats } from '../../src/adapters/db/demoSeats.ts';
import { createQuestion } from '../../src/app/questions.ts';
import { createVoucher } from '../../src/app/vouchers.ts';
import { staff as staffUser } from '../support/subjects.ts';
import { applyVoucherAtCheckout, createVoucherThroughPages } from '../support/vouchers.ts';

/** Where the test serves axe-core: our own origin, so the pages' strict CSP (script-src 'self' 'nonce-…') lets it run. */
const AXE_PATH = '/__test/axe.js';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Finding { page: string; rule: string; impact: string; target: string; help: string }

/**
 * Every page type of the box office in Chromium, checked by axe-core against WCAG 2.1 A and AA:
 * no violation of impact serious or critical on any of them. axe-core is loaded into each page
 * with a <script src> on our origin, under the page's own CSP (never bypassed), and a page made
 * broken on purpose proves the check reports what it should. Each page is checked at 320 CSS pixels
 * wide (where it must reflow without scrolling sideways, WCAG 1.4.10) and at a desktop width.
 */
describe('accessibility of every page type (axe-core, WCAG 2.1 AA)', () => {
  let env: BrowserBoxOffice;
  let box: TestBoxOffice;
  let browser: Browser;
  let base: string;
  let producer: Awaited<ReturnType<typeof producerWithEvent>>;
  let admin: { email: string; password: string };
  let seated: Awaited<ReturnType<typeof producerWithSeatedEvent>>;

  beforeAll(async () => {
    env = await startBrowserBoxOffice(async (b) => {
      producer = await producerWithEvent(b, { name: 'Access Arts' });
      await seatRepo(b.db).replaceSeatMap(producer.event.venueId, smallTheatreSeats());
      seated = await producerWithSeatedEvent(b, { name: 'Access Seats' });
      const staff = await createStaff(b.deps, { email: 'axe-admin@platform.test', name: 'Axe Admin', role: 'admin' });
      if (!staff.ok) throw new Error(staff.message);
      admin = { email: 'axe-admin@platform.test', password: staff.value.password };
      // A checkout question, so the checkout is checked with a question and its purpose beside it.
      const question = await createQuestion(b.deps, await staffUser(b, producer), {
        eventId: producer.event.eventId, kind: 'yes_no', label: 'Do you need step-free access?', purpose: 'So that the ushers can meet you at the lift.', required: true, choices: [],
      });
      if (!question.ok) throw new Error(question.message);
      const voucher = await createVoucher(b.deps, await staffUser(b, producer), {
        eventId: producer.event.eventId, code: 'AXE-WELCOME', kind: 'percent', percent: 10, amountMinor: null, ticketTypeNames: [], maxUses: 5, validUntil: null,
      });
      if (!voucher.ok) throw new Error(voucher.message);
      // Test-only routes, added before listen: axe-core itself, and a page broken on purpose (through
      // the app's own security headers, so it carries the same CSP as every other page).
      b.server.get(AXE_PATH, async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(AXE_SOURCE));
      b.server.get('/__test/broken', async (_req, reply) => reply.type('text/html; charset=utf-8').send(
        '<!doctype html><html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1>'
        + '<form><input type="text" name="unlabelled"></form><a href="/"></a>'
        + `<p><code>${'x'.repeat(80)}</code></p></main></body></html>`,
      ));
    });
    ({ box, browser, base } = env);
  });
  afterAll(async () => env?.close());

  /** The CSP header of the document each page shows now: the policy axe-core must get past. */
  const documentCsp = new WeakMap<Page, Promise<string | undefined>>();
  function track(page: Page): Page {
    page.on('response', (res) => {
      if (res.request().isNavigationRequest() && res.frame() === page.mainFrame()) {
        documentCsp.set(page, res.allHeaders().then((h) => h['content-security-policy']));
      }
    });
    return page;
  }

  /** Loads axe-core from our origin into the page, under its CSP, and runs it; returns the serious and critical violations. */
  async function audit(page: Page, name: string): Promise<Finding[]> {
    await page.waitForLoadState('load');
    const csp = await documentCsp.get(page);
    expect(csp, `${name}: the page's CSP`).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    await page.addScriptTag({ url: `${base}${AXE_PATH}` });
    const found: Finding[] = [];
    const original = page.viewportSize();
    // The narrowest width WCAG asks pages to reflow to (1.4.10), where tables scroll sideways; then a desktop.
    for (const viewport of [{ width: 320, height: 640 }, { width: 1280, height: 800 }]) {
      await page.setViewportSize(viewport);
      const result = await page.evaluate(async (tags) => {
        const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[]; passes: unknown[] }> } }).axe;
        const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return {
          passes: r.passes.length,
          violations: r.violations.map((v) => ({ rule: v.id, impact: v.impact ?? 'unknown', help: v.help, target: JSON.stringify(v.nodes[0]?.target ?? []) })),
        };
      }, WCAG_TAGS);
      expect(result.passes, `${name}: axe-core ran its rules`).toBeGreaterThan(0);
      const page_ = `${name} at ${viewport.width}px`;
      found.push(...result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ page: page_, ...v })));
      // Reflow (WCAG 1.4.10), which axe-core does not check: the page itself never scrolls sideways;
      // only a data table may, inside its own scrolling box.
      const wider = await page.evaluate(() => {
        if (document.documentElement.scrollWidth <= window.innerWidth) return null;
        const el = [...document.querySelectorAll('body *')].find((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap, .skip'));
        return el ? `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}` : 'body';
      });
      if (wider) found.push({ page: page_, rule: 'reflow', impact: 'serious', target: wider, help: 'The page scrolls sideways: content wider than the screen' });
    }
    if (original) await page.setViewportSize(original);
    return found;
  }

  function format(f: Finding): string {
    return `${f.page}: ${f.rule} (${f.impact}) at ${f.target}: ${f.help}`;
  }

  it('reports the violations of a page broken on purpose, so a clean result means something', async () => {
    const context = await browser.newContext();
    const page = track(await context.newPage());
    await page.goto(`${base}/__test/broken`);
    const found = await audit(page, 'broken');
    expect(found.map((f) => `${f.page}: ${f.rule} at ${f.target}`).sort()).toEqual([
      'broken at 1280px: label at ["input"]', 'broken at 1280px: link-name at ["a"]',
      'broken at 320px: label at ["input"]', 'broken at 320px: link-name at ["a"]', 'broken at 320px: reflow at code',
    ]);
    await context.close();
  });

  /** What a run records: axe findings per page visited, requests to another origin, and CSP errors in the console. */
  function recorder() {
    const findings: Finding[] = [];
    const visited: string[] = [];
    const offOrigin: string[] = [];
    const cspErrors: string[] = [];
    return {
      findings, visited, offOrigin, cspErrors,
      check: async (page: Page, name: string) => {
        visited.push(name);
        findings.push(...await audit(page, name));
      },
      watch: (context: BrowserContext) => context.on('request', (r) => {
        if (new URL(r.url()).origin !== base && !r.url().startsWith('data:')) offOrigin.push(r.url());
      }),
      listen: (page: Page) => page.on('console', (m) => {
        if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) cspErrors.push(`${page.url()}: ${m.text()}`);
      }),
    };
  }

  it('finds no serious or critical violation on any page type', async () => {
    const { findings, visited, check, offOrigin, watch, cspErrors, listen } = recorder();

    // ---- the buyer ----
    const buyerContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    watch(buyerContext);
    const page = track(await buyerContext.newPage());
    listen(page);
    await page.goto(`${base}/`);
    await check(page, 'storefront list');
    await page.getByRole('link', { name: new RegExp(producer.slug.replace('show-', '')) }).click();
    await page.waitForURL(`${base}/events/${producer.slug}`);
    await check(page, 'event page');
    await page.getByLabel('Number of Adult tickets').fill('1');
    await page.getByRole('button', { name: 'Hold these tickets' }).click();
    await page.waitForURL(/\/checkout\//);
    await check(page, 'checkout');
    await applyVoucherAtCheckout(page, 'NO-SUCH-CODE');
    await expect.poll(() => page.locator('#voucherCode[aria-invalid="true"]').count()).toBe(1);
    await check(page, 'checkout with a refused discount code');
    await applyVoucherAtCheckout(page, 'axe-welcome');
    await expect.poll(() => page.locator('[data-discount]').count()).toBe(1);
    await check(page, 'checkout with a discount code');
    await page.getByRole('button', { name: /^Pay / }).click();
    await expect.poll(() => page.locator('[aria-invalid="true"]').count()).toBe(2);
    await check(page, 'checkout with field errors');
    await page.getByRole('radio', { name: 'Yes' }).check();
    await page.getByLabel('Your name').fill('Axe Buyer');
    await page.getByLabel('Email for your tickets').fill('axe.buyer@example.org');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(/\/testpay\/pay\//);
    await check(page, 'test provider card page');
    await page.getByLabel('Card number').fill('1234');
    await page.getByLabel('Expiry (MM/YY)').fill('12/39');
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: /^Pay / }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(1);
    await check(page, 'test provider card page with an error');
    await page.getByLabel('Card number').fill(TEST_CARDS.approved);
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: /^Pay / }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}\/[A-Za-z0-9_-]+\?paid=1$/);
    await check(page, 'order page');
    expect(await page.locator('[data-discount]').count()).toBe(1);
    const ticketCode = (await page.locator('.qr').first().textContent()) ?? '';
    expect(ticketCode.length).toBeGreaterThan(20);
    await page.goto(`${base}/privacy`);
    await check(page, 'privacy page');
    await page.goto(`${base}/privacy/my-data`);
    await check(page, 'privacy: ask for my data');
    await page.getByLabel('Email address').fill('axe.buyer@example.org');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await expect.poll(() => page.getByRole('status').count()).toBe(1);
    await check(page, 'privacy: ask for my data, link sent');
    await dispatchMails(box.deps);
    await page.goto(`${base}/dev/mailbox`);
    await check(page, 'dev mailbox');
    await page.getByRole('link', { name: /Your data at/ }).click();
    await page.waitForURL(/\/dev\/mailbox\/[0-9a-f-]{36}$/);
    await check(page, 'dev mailbox message');
    await page.getByRole('link', { name: /\/privacy\/my-data\// }).click();
    await page.waitForURL(/\/privacy\/my-data\/[\w.-]+$/);
    await check(page, 'privacy: my data');
    await page.goto(`${base}/events/${seated.slug}`);
    await expect.poll(() => page.locator('svg[data-seat-map]').getAttribute('role')).toBe('group');
    await check(page, 'event page with a seat map');
    await page.goto(`${base}/no-such-page`);
    await check(page, 'error page (404)');

    // ---- the producer ----
    const producerContext = await browser.newContext();
    watch(producerContext);
    const staff = track(await producerContext.newPage());
    listen(staff);
    await staff.goto(`${base}/login`);
    await check(staff, 'producer log-in');
    await staff.getByLabel('Email').fill(producer.email);
    await staff.getByLabel('Password').fill('not the password');
    await staff.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => staff.getByRole('alert').count()).toBe(1);
    await check(staff, 'producer log-in with an error');
    await staff.getByLabel('Password').fill(producer.password);
    await staff.getByRole('button', { name: 'Log in' }).click();
    await staff.waitForURL(`${base}/dashboard`);
    await check(staff, 'dashboard orders');
    await staff.locator('tbody a').first().click();
    await staff.waitForURL(/\/dashboard\/orders\/[0-9a-f-]{36}$/);
    await check(staff, 'dashboard order detail');
    await staff.goto(`${base}/dashboard/performances/${producer.performance.id}/cancel`);
    await check(staff, 'cancel performance');
    await staff.goto(`${base}/dashboard/sales`);
    await check(staff, 'sales dashboard');
    // The box-office counter, by keyboard alone: the focus starts where the seller needs it on every step.
    await staff.goto(`${base}/dashboard/counter`);
    await check(staff, 'counter: choose a performance');
    await staff.keyboard.press('Enter');
    await staff.waitForURL(`${base}/dashboard/counter/${producer.performance.id}`);
    await check(staff, 'counter: sale form');
    await staff.keyboard.type('2');
    await staff.keyboard.press('Enter');
    await expect.poll(() => staff.locator('[data-counter-total]').count()).toBe(1);
    await check(staff, 'counter: the total to take');
    await staff.keyboard.press('Enter');
    await staff.waitForURL(/\/dashboard\/counter\/sales\/[0-9a-f-]{36}$/);
    await check(staff, 'counter: sold');
    await staff.getByRole('link', { name: /^Order details/ }).click();
    await staff.waitForURL(/\/dashboard\/orders\/[0-9a-f-]{36}$/);
    await staff.getByRole('button', { name: /^Cancel and refund the whole order/ }).click();
    await expect.poll(() => staff.locator('[data-refund-amount]').count()).toBe(1);
    await check(staff, 'refund confirmation');
    await staff.goto(`${base}/dashboard/venues`);
    await check(staff, 'seat maps');
    await staff.goto(`${base}/dashboard/venues/${producer.event.venueId}/seats`);
    await check(staff, 'seat map of a venue');
    await staff.goto(`${base}/dashboard/waiting-rooms`);
    await check(staff, 'waiting rooms');
    await staff.getByRole('link', { name: /Settings/ }).first().click();
    await staff.waitForURL(/\/dashboard\/events\/[0-9a-f-]{36}\/waiting-room$/);
    await check(staff, 'waiting room settings');
    await staff.getByLabel('Waiting room on').check();
    await staff.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => staff.getByRole('status').count()).toBe(1);
    await check(staff, 'waiting room settings saved');
    // The form's default opening is the next full hour, so the queue page shows the wait before the sale.
    await staff.goto(`${base}/events/${producer.slug}`);
    await staff.waitForURL(`${base}/events/${producer.slug}/queue?c=1`);
    await check(staff, 'waiting room queue');
    await createVoucherThroughPages(staff, base, { eventTitle: `Show ${producer.slug.slice('show-'.length)}`, code: 'axe-friends', off: { percent: '15' }, maxUses: 20, ticketTypes: ['Adult'] });
    await check(staff, 'discount codes');
    await staff.getByLabel(/^Code/).fill('AXE-FRIENDS');
    await staff.getByRole('button', { name: 'Create code' }).click();
    await expect.poll(() => staff.getByRole('alert').count()).toBe(1);
    await check(staff, 'discount codes with an error');
    await staff.goto(`${base}/dashboard/questions`);
    await check(staff, 'checkout questions');
    await staff.goto(`${base}/door`);
    await check(staff, 'door');
    await staff.getByLabel('Ticket code').fill(ticketCode);
    await staff.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => staff.locator('[data-verdict]').getAttribute('data-verdict')).toBe('valid');
    await check(staff, 'door with a verdict');
    await staff.goto(`${base}/dashboard/security`);
    await check(staff, 'security, two-factor off');
    await staff.getByRole('button', { name: 'Set up two-factor log-in' }).click();
    await expect.poll(() => staff.getByRole('img', { name: /QR code to add Marquee/ }).count()).toBe(1);
    await check(staff, 'security, two-factor set-up with its QR code');
    // Event management (issue 6 §2): the producer's story through the pages, each page checked, then the error states.
    const made = await createPublishedEventThroughPages(staff, base, { title: 'Axe Night', slug: 'axe-night' }, check);
    await staff.goto(`${base}/dashboard/events/new`);
    await staff.getByRole('button', { name: 'Create the event' }).click();
    await expect.poll(() => staff.locator('[aria-invalid="true"]').count()).toBeGreaterThan(1);
    await check(staff, 'new event with field errors');
    await staff.goto(`${base}/dashboard/performances/${made.performanceId}/ticket-types/new`);
    await staff.getByRole('button', { name: 'Add the ticket type' }).click();
    await expect.poll(() => staff.locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
    await check(staff, 'new ticket type with field errors');
    await staff.goto(`${base}/login/forgot`);
    await check(staff, 'forgot your password');
    // ---- platform staff ----
    const adminContext = await browser.newContext();
    watch(adminContext);
    const console_ = track(await adminContext.newPage());
    listen(console_);
    await console_.goto(`${base}/admin/login`);
    await check(console_, 'admin log-in');
    await console_.getByLabel('Email').fill(admin.email);
    await console_.getByLabel('Password').fill('not the password');
    await console_.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => console_.getByRole('alert').count()).toBe(1);
    await check(console_, 'admin log-in with an error');
    await console_.getByLabel('Password').fill(admin.password);
    await console_.getByRole('button', { name: 'Log in' }).click();
    await console_.waitForURL(`${base}/admin/support`);
    await check(console_, 'admin support');
    await console_.goto(`${base}/admin/disclosures`);
    await check(console_, 'admin disclosures');

    expect(visited).toHaveLength(55);
    expect(findings.map(format)).toEqual([]);
    expect(offOrigin).toEqual([]);
    expect(cspErrors).toEqual([]);
    await buyerContext.close();
    await producerContext.close();
    await adminContext.close();
    // 55 pages in one browser: about 50 s alone on 2 cores, more while the rest of the suite runs.
  }, 240_000);

  it('finds no serious or critical violation on the team, sign-up, verification and invitation pages', async () => {
    const { findings, visited, check, offOrigin, watch, cspErrors, listen } = recorder();
    const producerContext = await browser.newContext();
    watch(producerContext);
    const staff = track(await producerContext.newPage());
    listen(staff);
    await staff.goto(`${base}/login`);
    await staff.getByLabel('Email').fill(producer.email);
    await staff.getByLabel('Password').fill(producer.password);
    await staff.getByRole('button', { name: 'Log in' }).click();
    await staff.waitForURL(`${base}/dashboard`);
    await staff.goto(`${base}/dashboard/team`);
    await staff.getByLabel('Their email').fill('axe.crew@example.org');
    await staff.getByLabel('Role', { exact: true }).selectOption('door');
    await staff.getByRole('button', { name: 'Send the invitation' }).click();
    await staff.waitForURL(`${base}/dashboard/team?done=invited`);
    await check(staff, 'team, with an invitation waiting');

    const newcomerContext = await browser.newContext();
    watch(newcomerContext);
    const newcomer = track(await newcomerContext.newPage());
    listen(newcomer);
    await newcomer.goto(`${base}/signup`);
    await check(newcomer, 'sign-up');
    await newcomer.getByRole('button', { name: 'Create my account' }).click();
    await expect.poll(() => newcomer.getByRole('alert').count()).toBe(1);
    await check(newcomer, 'sign-up with errors');
    await newcomer.getByLabel('Name', { exact: true }).fill('Axe Players');
    await newcomer.getByLabel('Short name').fill('axe-players');
    await newcomer.getByLabel('Your name').fill('Axe Founder');
    await newcomer.getByLabel('Email').fill('axe.founder@example.org');
    await newcomer.getByLabel('Password', { exact: true }).fill('a long enough passphrase');
    await newcomer.getByLabel('The same password again').fill('a long enough passphrase');
    await newcomer.getByRole('button', { name: 'Create my account' }).click();
    await expect.poll(() => newcomer.title()).toContain('Check your email');
    await check(newcomer, 'sign-up: check your email');
    await dispatchMails(box.deps);
    await newcomer.goto(`${base}/dev/mailbox`);
    await newcomer.getByRole('link', { name: 'Verify your email address for Marquee' }).click();
    await newcomer.getByRole('link', { name: /\/signup\/verify\// }).click();
    await newcomer.waitForURL(/\/signup\/verify\//);
    await check(newcomer, 'verify email');
    await newcomer.getByRole('button', { name: 'Verify my email address' }).click();
    await expect.poll(() => newcomer.title()).toContain('Email address verified');
    await check(newcomer, 'email verified');
    await newcomer.goto(`${base}/dev/mailbox`);
    await newcomer.getByRole('link', { name: /invited you to Access Arts/ }).click();
    await newcomer.getByRole('link', { name: /\/invite\// }).click();
    await newcomer.waitForURL(/\/invite\//);
    await check(newcomer, 'invitation');

    expect(visited).toHaveLength(7);
    expect(findings.map(format)).toEqual([]);
    expect(offOrigin).toEqual([]);
    expect(cspErrors).toEqual([]);
    await producerContext.close();
    await newcomerContext.close();
  });
});
