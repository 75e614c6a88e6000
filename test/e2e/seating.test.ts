import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeSeatedHold } from '../../src/app/seating.ts';
import type { TestBoxOffice } from '../support/boxOffice.ts';
import { type BrowserBoxOffice, startBrowserBoxOffice } from '../support/browserBoxOffice.ts';
import { producerWithSeatedEvent } from '../support/seating.ts';

/**
 * Choosing seats on the SVG seat map in Chromium with the keyboard alone: Tab to the map, arrow
 * keys between seats, Space and Enter to choose, a taken seat that cannot be chosen, Tab to the
 * button, Enter to hold. The accessible names and states are what a screen reader would read.
 */
describe('seat map in Chromium, keyboard only', () => {
  let env: BrowserBoxOffice;
  let box: TestBoxOffice;
  let seated: Awaited<ReturnType<typeof producerWithSeatedEvent>>;

  beforeAll(async () => {
    env = await startBrowserBoxOffice(async (b) => {
      seated = await producerWithSeatedEvent(b, { name: 'Keyboard Theatre' });
    });
    box = env.box;
    // Someone else holds C5 already.
    const other = await placeSeatedHold(box.deps, { performanceId: seated.performance.id, lines: [], seatIds: [seated.seat('Stalls C5').id], best: null });
    if (!other.ok) throw new Error(other.message);
  });
  afterAll(async () => env?.close());

  /** What has the focus: its role, accessible name, checked and disabled state. */
  const focused = (page: Page) => page.evaluate(() => {
    const el = document.activeElement;
    return {
      role: el?.getAttribute('role') ?? el?.tagName.toLowerCase() ?? null,
      name: el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? null,
      checked: el?.getAttribute('aria-checked') ?? null,
      disabled: el?.getAttribute('aria-disabled') ?? null,
      onMap: el?.closest('svg[data-seat-map]') !== null,
    };
  });
  async function tabUntil(page: Page, done: (f: Awaited<ReturnType<typeof focused>>) => boolean): Promise<void> {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      if (done(await focused(page))) return;
    }
    throw new Error('Tab never reached the element');
  }

  it('moves between seats with the arrow keys, chooses two, skips a taken one, and holds them', async () => {
    const context = await env.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${env.base}/events/${seated.slug}`);
    // The island has made the map a group of checkboxes, and folded the list away.
    await expect.poll(() => page.locator('svg[data-seat-map]').getAttribute('role')).toBe('group');
    await expect(page.locator('details[data-seat-list]').getAttribute('open')).resolves.toBeNull();

    // One Tab stop for the whole map: the first seat for sale in the front row (A1 is not for sale).
    await tabUntil(page, (f) => f.onMap);
    expect(await focused(page)).toMatchObject({ role: 'checkbox', name: 'Row A, seat 2, Stalls, £25.00, available', checked: 'false', disabled: null });

    await page.keyboard.press('ArrowDown');
    expect((await focused(page)).name).toBe('Row B, seat 2, Stalls, £25.00, available');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect((await focused(page)).name).toBe('Row B, seat 5, Stalls, £25.00, available');
    await page.keyboard.press('Space');
    expect((await focused(page)).checked).toBe('true');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    expect(await focused(page)).toMatchObject({ name: 'Row B, seat 6, Stalls, £25.00, available', checked: 'true' });

    // C5 is held by someone else: it says so, and Space does not choose it.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    expect(await focused(page)).toMatchObject({ name: 'Row C, seat 5, Stalls, £25.00, taken', disabled: 'true', checked: 'false' });
    await page.keyboard.press('Space');
    expect((await focused(page)).checked).toBe('false');
    await page.keyboard.press('End');
    expect((await focused(page)).name).toBe('Row C, seat 12, Stalls, £25.00, available');
    await page.keyboard.press('Home');
    expect((await focused(page)).name).toBe('Row C, seat 1, Stalls, £25.00, available');

    // The choice is announced, and the form's own checkboxes follow the map.
    await expect(page.locator('[data-seat-status]').textContent()).resolves.toBe('2 seats chosen: Row B, seat 5, Stalls; Row B, seat 6, Stalls.');
    await expect(page.locator(`input[name=seat][value="${seated.seat('Stalls B5').id}"]`).isChecked()).resolves.toBe(true);
    await expect(page.locator(`input[name=seat][value="${seated.seat('Stalls C5').id}"]`).isDisabled()).resolves.toBe(true);

    // On to the button, by keyboard, and hold.
    await tabUntil(page, (f) => f.name === 'Hold these tickets');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/checkout\/[0-9a-f-]{36}$/);
    await expect(page.locator('[data-held-seats] li').allTextContents()).resolves.toEqual(['Stalls, row B, seat 5', 'Stalls, row B, seat 6']);
    expect(problems).toEqual([]);
    await context.close();
  });
});
