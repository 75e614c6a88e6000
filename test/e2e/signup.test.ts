import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBoxOffice } from '../support/boxOffice.ts';
import { type BrowserBoxOffice, startBrowserBoxOffice } from '../support/browserBoxOffice.ts';
import { newProducerAccount, signUpAndVerify } from '../support/signup.ts';

/**
 * A new producer in Chromium: signs up, verifies through the dev mailbox, logs in, and invites a
 * teammate who joins; then adds a passkey (a CDP virtual authenticator: CTAP2, internal, resident
 * keys, user verification) and logs in with it. The box office is reached at http://localhost, a
 * secure context whose host name can be WebAuthn's relying party (an IP address cannot).
 */
describe('producer sign-up and passkeys in Chromium', () => {
  let env: BrowserBoxOffice;
  let box: TestBoxOffice;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    env = await startBrowserBoxOffice(async () => {}, { hostName: 'localhost' });
    ({ box, browser, base } = env);
  });
  afterAll(async () => env?.close());

  it('signs up, verifies via the dev mailbox, logs in, and brings a teammate in by invitation', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const account = await signUpAndVerify(page, base, newProducerAccount('Browser'));

    // Signed in, verified: no banner; the producer and owner exist as typed.
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Orders for ${account.producerName}`);
    expect(await page.getByText('Your email address is not verified yet').count()).toBe(0);
    const owner = await box.db.selectFrom('users as u').innerJoin('producers as p', 'p.id', 'u.producerId')
      .where('u.email', '=', account.email).select(['u.role', 'u.emailVerifiedAt', 'p.slug']).executeTakeFirstOrThrow();
    expect(owner.role).toBe('owner');
    expect(owner.slug).toBe(account.slug);
    expect(owner.emailVerifiedAt).not.toBeNull();

    // The owner invites a box-office colleague from the team page.
    await page.getByRole('link', { name: 'Team' }).click();
    await page.getByLabel('Their email').fill('colleague@crew.test');
    await page.getByLabel('Role', { exact: true }).selectOption('box_office');
    await page.getByRole('button', { name: 'Send the invitation' }).click();
    await page.waitForURL(`${base}/dashboard/team?done=invited`);
    await expect.poll(() => page.getByText('colleague@crew.test').count()).toBeGreaterThan(0);

    // The colleague opens the mail in another browser, joins, and logs in.
    const other = await browser.newContext();
    const colleague = await other.newPage();
    await colleague.goto(`${base}/dev/mailbox`);
    const mail = colleague.getByRole('link', { name: new RegExp(`invited you to ${account.producerName}`) });
    await expect.poll(async () => {
      if ((await mail.count()) > 0) return true;
      await colleague.reload();
      return false;
    }).toBe(true);
    await mail.click();
    await colleague.getByRole('link', { name: /\/invite\// }).click();
    await colleague.getByLabel('Your name').fill('Colin Colleague');
    await colleague.getByLabel('Choose a password').fill('colin has a long passphrase');
    await colleague.getByLabel('The same password again').fill('colin has a long passphrase');
    await colleague.getByRole('button', { name: `Join ${account.producerName}` }).click();
    await expect.poll(() => colleague.getByText('Welcome to the team').count()).toBe(1);
    await colleague.getByLabel('Email').fill('colleague@crew.test');
    await colleague.getByLabel('Password').fill('colin has a long passphrase');
    await colleague.getByRole('button', { name: 'Log in' }).click();
    await colleague.waitForURL(`${base}/dashboard`);
    // Box office: no team page link.
    expect(await colleague.getByRole('link', { name: 'Team' }).count()).toBe(0);

    await page.reload();
    await expect.poll(() => page.getByText('Colin Colleague').count()).toBeGreaterThan(0);
    expect(consoleErrors).toEqual([]);
    await other.close();
    await context.close();
  });

  it('adds a passkey from the security page and logs in with it, once per challenge', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    const account = await signUpAndVerify(page, base, newProducerAccount('Passkey'));

    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByLabel('Name for the new passkey').fill('Virtual key');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL(`${base}/dashboard/security?done=passkey`);
    await expect.poll(() => page.getByText('Virtual key, added').count()).toBe(1);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    const stored = await box.db.selectFrom('passkeys').selectAll().execute();
    expect(stored.map((p) => p.id)).toEqual([credentials[0]!.credentialId.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')]);

    // Log out, then log in with the passkey alone: no email, no password.
    await page.getByRole('button', { name: /^Log out/ }).click();
    await page.goto(`${base}/login?next=/dashboard/team`);
    let assertion = '';
    page.on('request', (r) => {
      if (r.url() === `${base}/login/passkey` && r.method() === 'POST') assertion = r.postData() ?? '';
    });
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL(`${base}/dashboard/team`);
    await expect.poll(() => page.getByText(`${account.name} (you)`).count()).toBe(1);
    const used = await box.db.selectFrom('passkeys').select(['lastUsedAt']).executeTakeFirstOrThrow();
    expect(used.lastUsedAt).not.toBeNull();

    // The same answer sent again finds its challenge used: no second session.
    expect(assertion).toContain('"response"');
    const replay = await box.server.inject({ method: 'POST', url: '/login/passkey', headers: { 'content-type': 'application/json' }, payload: assertion });
    expect(replay.statusCode).toBe(401);
    expect(replay.headers['set-cookie']).toBeUndefined();

    // A user who cannot be verified by the device does not get in.
    await page.getByRole('button', { name: /^Log out/ }).click();
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    await page.goto(`${base}/login`);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toMatch(/cancelled|did not log you in|could not use/);
    expect(page.url()).toBe(`${base}/login`);
    await context.close();
  });
});
