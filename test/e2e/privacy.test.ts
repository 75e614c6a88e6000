import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CARDS } from '../../src/adapters/payments/testProvider.ts';
import { COOKIE_REGISTRY, cookieViolation } from '../../src/web/cookies.ts';
import { producerWithEvent, type TestBoxOffice } from '../support/boxOffice.ts';
import { type BrowserBoxOffice, startBrowserBoxOffice } from '../support/browserBoxOffice.ts';

/**
 * Promises 3 and 4 as a browser sees them, on every page type: storefront, event, checkout, the
 * payment provider's card page, the order page, producer log-in, dashboard and order detail, door,
 * and the privacy page. Every request stays on our origin (the built-in provider's card page is
 * ours too), every cookie is a registered one with the registry's flags, and every response
 * carries the nonce CSP without 'unsafe-inline' or 'unsafe-eval'.
 */
describe('no third parties and essential cookies only, in Chromium', () => {
  let env: BrowserBoxOffice;
  let box: TestBoxOffice;
  let browser: Browser;
  let base: string;
  let producer: Awaited<ReturnType<typeof producerWithEvent>>;

  beforeAll(async () => {
    env = await startBrowserBoxOffice(async (b) => {
      producer = await producerWithEvent(b, { name: 'Privacy Playhouse' });
    });
    ({ box, browser, base } = env);
  });
  afterAll(async () => env?.close());

  /** Watches every request and response of a browser context. */
  function watch(context: BrowserContext) {
    const offOrigin: string[] = [];
    const problems: string[] = [];
    const seen = new Set<string>();
    const pending: Promise<void>[] = [];
    context.on('request', (r) => {
      if (new URL(r.url()).origin !== base && !r.url().startsWith('data:')) offOrigin.push(r.url());
    });
    const check = async (res: Response) => {
      const url = new URL(res.url());
      if (url.origin !== base) return;
      // The page type: ids and tokens in the path become placeholders.
      seen.add(url.pathname.split('/').map((s) => (/^([0-9a-f-]{36}|tps_[\w-]+)$/.test(s) ? ':id' : /^[\w-]{20,}$/.test(s) ? ':token' : s)).join('/'));
      const headers = await res.allHeaders();
      const csp = headers['content-security-policy'];
      if (!csp) problems.push(`${res.status()} ${url.pathname}: no CSP`);
      else {
        if (!/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}'/.test(csp)) problems.push(`${url.pathname}: CSP without a nonce: ${csp}`);
        if (/unsafe-inline|unsafe-eval/.test(csp)) problems.push(`${url.pathname}: CSP allows unsafe: ${csp}`);
        if (!csp.includes("default-src 'self'")) problems.push(`${url.pathname}: CSP default-src is not 'self'`);
      }
      for (const line of await res.headerValues('set-cookie')) {
        const wrong = cookieViolation(line, COOKIE_REGISTRY, { secure: false, now: box.clock.now() });
        if (wrong) problems.push(`${url.pathname}: ${wrong}`);
      }
    };
    context.on('response', (res) => {
      pending.push(check(res).catch((e) => void problems.push(`${res.url()}: ${String(e)}`)));
    });
    return {
      offOrigin, problems, seen,
      settled: () => Promise.all(pending),
      /** The browser's own cookie jar against the registry: name, flags, lifetime. */
      async jar(): Promise<string[]> {
        const out: string[] = [];
        for (const c of await context.cookies()) {
          const r = COOKIE_REGISTRY.find((x) => x.name === c.name);
          if (!r) {
            out.push(`${c.name}: not in the registry`);
            continue;
          }
          if (c.httpOnly !== r.httpOnly) out.push(`${c.name}: httpOnly ${c.httpOnly}`);
          if (c.sameSite.toLowerCase() !== r.sameSite) out.push(`${c.name}: sameSite ${c.sameSite}`);
          if (c.path !== r.path) out.push(`${c.name}: path ${c.path}`);
          if (c.secure) out.push(`${c.name}: Secure over http`);
          if (c.domain !== '127.0.0.1') out.push(`${c.name}: domain ${c.domain}`);
          if (c.expires !== -1 && c.expires * 1000 - box.clock.now().getTime() > (r.maxAgeSeconds + 60) * 1000) out.push(`${c.name}: lives longer than ${r.maxAgeSeconds}s`);
        }
        return out;
      },
    };
  }

  async function payWith(page: Page, card: string) {
    await page.waitForURL(/\/testpay\/pay\//);
    await page.getByLabel('Card number').fill(card);
    await page.getByLabel('Expiry (MM/YY)').fill('12/39');
    await page.getByLabel('Security code').fill('123');
    await page.getByRole('button', { name: /^Pay / }).click();
  }

  it('keeps every request on our origin, every cookie registered, and the strict CSP on every page type', async () => {
    const buyerContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const buyer = watch(buyerContext);
    const page = await buyerContext.newPage();

    await page.goto(`${base}/`);
    await page.getByRole('link', { name: new RegExp(producer.slug.replace('show-', '')) }).click();
    await page.waitForURL(`${base}/events/${producer.slug}`);
    await page.getByLabel('Number of Adult tickets').fill('1');
    await page.getByRole('button', { name: 'Hold these tickets' }).click();
    await page.waitForURL(/\/checkout\//);
    await page.getByLabel('Your name').fill('Privacy Buyer');
    await page.getByLabel('Email for your tickets').fill('privacy.buyer@example.org');
    await page.getByRole('button', { name: /^Pay / }).click();
    await payWith(page, TEST_CARDS.approved);
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}\/[A-Za-z0-9_-]+\?paid=1$/);
    await page.getByRole('link', { name: 'Privacy' }).click();
    await page.waitForURL(`${base}/privacy`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Privacy');
    await expect(page.locator('[data-cookie="mq_session"]').count()).resolves.toBe(1);
    // A buyer gets no cookie at all.
    expect(await buyerContext.cookies()).toEqual([]);
    await buyer.settled();

    const staffContext = await browser.newContext();
    const staff = watch(staffContext);
    const door = await staffContext.newPage();
    await door.goto(`${base}/login`);
    await door.getByLabel('Email').fill(producer.email);
    await door.getByLabel('Password').fill(producer.password);
    await door.getByRole('button', { name: 'Log in' }).click();
    await door.waitForURL(`${base}/dashboard`);
    await door.locator('tbody a').first().click();
    await door.waitForURL(/\/dashboard\/orders\/[0-9a-f-]{36}$/);
    await door.goto(`${base}/door`);
    await expect(door.getByLabel('Ticket code').count()).resolves.toBe(1);
    await door.goto(`${base}/privacy`);
    expect((await staffContext.cookies()).map((c) => c.name)).toEqual(['mq_session']);
    const staffJar = await staff.jar();
    await door.getByRole('button', { name: /Log out/ }).click();
    await door.waitForURL(`${base}/`);
    expect(await staffContext.cookies()).toEqual([]);
    await staff.settled();

    const pages = [...buyer.seen, ...staff.seen];
    for (const type of ['/', `/events/${producer.slug}`, '/checkout/:id', '/testpay/pay/:id', '/orders/:id/:token', '/privacy', '/login', '/dashboard', '/dashboard/orders/:id', '/door']) {
      expect(pages, `visited ${type}`).toContain(type);
    }
    expect(buyer.offOrigin).toEqual([]);
    expect(staff.offOrigin).toEqual([]);
    expect(buyer.problems).toEqual([]);
    expect(staff.problems).toEqual([]);
    expect(staffJar).toEqual([]);
    await buyerContext.close();
    await staffContext.close();
  });
});
