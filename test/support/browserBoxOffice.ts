import type { Browser } from 'playwright-core';
import { TestClock, type TestBoxOffice, testBoxOffice } from './boxOffice.ts';
import { freePort, launchChromium } from './browser.ts';
import { freshDatabase, type TestDatabase } from './db.ts';

export interface BrowserBoxOffice {
  tdb: TestDatabase;
  box: TestBoxOffice;
  browser: Browser;
  base: string;
  close(): Promise<void>;
}

/**
 * The box office on a free local port (embedded PGlite, a live clock) and Debian's Chromium, for
 * browser tests. `beforeListen` adds what a test needs before the app starts listening (its data, a
 * test-only route). `settings` are extra settings, as in the environment. The browser reaches it at 127.0.0.1, or at localhost (a secure context too).
 */
export async function startBrowserBoxOffice(
  beforeListen: (box: TestBoxOffice) => Promise<void> = async () => {},
  /** `hostName` 'localhost' for WebAuthn, whose relying party must be a domain name, not an IP address. */
  opts: { settings?: Record<string, string>; hostName?: '127.0.0.1' | 'localhost'; overrides?: NonNullable<Parameters<typeof testBoxOffice>[1]>['overrides'] } = {},
): Promise<BrowserBoxOffice> {
  const port = await freePort();
  const base = `http://${opts.hostName ?? '127.0.0.1'}:${port}`;
  const tdb = await freshDatabase('pglite');
  const box = await testBoxOffice(tdb.db, { baseUrl: base, clock: new TestClock('live'), ...(opts.settings ? { settings: opts.settings } : {}), ...(opts.overrides ? { overrides: opts.overrides } : {}) });
  await beforeListen(box);
  await box.server.listen({ host: '127.0.0.1', port });
  const browser = await launchChromium();
  return {
    tdb, box, browser, base,
    async close() {
      await browser.close();
      await box.close();
      await tdb.drop();
    },
  };
}
