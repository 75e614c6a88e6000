import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../src/adapters/mail/smtp.ts';
import { dispatchMailings, mailingProgress, previewMailing, startMailing } from '../../src/app/mailings.ts';
import type { SessionUser } from '../../src/app/ports.ts';
import { producerWithEvent, type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { DB_KINDS, freshDatabase, type TestDatabase } from '../support/db.ts';
import { buy, type Producer, staff } from '../support/subjects.ts';
import { type SmtpInbox, startSmtpInbox } from '../support/smtpInbox.ts';

/** Issue 6 §6: mailings to buyers through a real local SMTP server (smtp-server), parsed with mailparser. */
describe.each(DB_KINDS)('emailing buyers on %s', (kind) => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  let smtp: SmtpInbox;
  let a: Producer;
  let b: Producer;
  let owner: SessionUser;
  const ours = (subject: string) => smtp.mails.filter((m) => m.subject === subject);

  beforeAll(async () => {
    smtp = await startSmtpInbox();
    tdb = await freshDatabase(kind);
    const mailer = smtpMailer(smtp.url, 'Marquee <box@marquee.test>');
    box = await testBoxOffice(tdb.db, { overrides: { mailer } });
    a = await producerWithEvent(box);
    b = await producerWithEvent(box);
    // Producer A: ann twice (one order with consent, in different case), bob without consent; carol bought from B only.
    await buy(box, a, { buyerName: 'Ann', buyerEmail: 'ann@example.org', marketingConsent: true }, 1);
    await buy(box, a, { buyerName: 'Ann', buyerEmail: 'ANN@Example.org', marketingConsent: false }, 1);
    await buy(box, a, { buyerName: 'Bob', buyerEmail: 'bob@example.org', marketingConsent: false }, 1);
    await buy(box, a, { buyerName: 'Dan', buyerEmail: 'dan@example.org', marketingConsent: false }, 1, 'declined').catch(() => {});
    await buy(box, b, { buyerName: 'Carol', buyerEmail: 'carol@example.org', marketingConsent: true }, 1);
    owner = await staff(box, a);
  }, 120_000);

  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
    await smtp?.close();
  });

  it('sends an update once to every paid buyer of the event, with RFC 8058 headers, and a POST to the link unsubscribes at once', async () => {
    const r = await startMailing(box.deps, owner, { subject: 'Time change', body: 'We now start at 20:00.', kind: 'update', eventId: a.event.eventId });
    expect(r.ok && r.value.total).toBe(2);
    await dispatchMailings(box.deps);
    const got = ours('Time change');
    expect(got.map((m) => m.to).sort()).toEqual(['ann@example.org', 'bob@example.org']);
    const progress = await mailingProgress(box.deps, owner, r.ok ? r.value.id : '');
    expect(progress.ok && [progress.value.status, progress.value.sent, progress.value.failed]).toEqual(['done', 2, 0]);

    const bob = got.find((m) => m.to === 'bob@example.org')!;
    expect(bob.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    // The header may be folded (RFC 5322); unfolded it is exactly one <https URL>.
    const unfolded = bob.raw.replace(/\r?\n[ \t]+/g, ' ');
    const url = /^List-Unsubscribe: <(https?:\/\/[^>]+\/unsubscribe\/[A-Za-z0-9_-]+)>\r?$/m.exec(unfolded)?.[1];
    // mailparser reads it too, as the list's unsubscribe URL.
    expect(JSON.stringify(bob.headers.get('list'))).toContain(url);
    expect(url).toBeTruthy();
    expect(bob.text).toContain('We now start at 20:00.');
    const path = new URL(url!).pathname;
    // A GET (a mail scanner) changes nothing.
    const page = await box.server.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<button type="submit">Unsubscribe</button>');
    expect(await box.db.selectFrom('mailUnsubscribes').selectAll().execute()).toHaveLength(0);
    const post = await box.server.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(post.statusCode).toBe(200);

    const again = await startMailing(box.deps, owner, { subject: 'Second change', body: 'Now 21:00.', kind: 'update', eventId: null });
    expect(again.ok && again.value.total).toBe(1);
    await dispatchMailings(box.deps);
    expect(ours('Second change').map((m) => m.to)).toEqual(['ann@example.org']);
    // No address in the audit trail.
    const audit = await box.db.selectFrom('auditEntries').select(['action', 'detail']).where('action', 'in', ['buyers.email', 'mail.unsubscribe']).execute();
    expect(audit.map((e) => e.action).sort()).toEqual(['buyers.email', 'buyers.email', 'mail.unsubscribe']);
    expect(JSON.stringify(audit)).not.toMatch(/example\.org/);
    expect(box.logs.text()).not.toMatch(/example\.org/);
  });

  it('sends marketing only to consenting buyers of this producer, and its unsubscribe withdraws consent', async () => {
    const r = await startMailing(box.deps, owner, { subject: 'New season', body: 'Come again.', kind: 'marketing', eventId: null });
    expect(r.ok && r.value.total).toBe(1);
    await dispatchMailings(box.deps);
    const got = ours('New season');
    expect(got.map((m) => m.to)).toEqual(['ann@example.org']);
    expect(smtp.mails.some((m) => m.to === 'carol@example.org' && m.subject !== '' && !m.subject.includes('tickets'))).toBe(false);
    const url = /https?:\/\/[^"<>\s]+\/unsubscribe\/[A-Za-z0-9_-]+/.exec(got[0]!.text)![0];
    expect((await box.server.inject({ method: 'POST', url: new URL(url).pathname })).statusCode).toBe(200);
    const consent = await box.db.selectFrom('orders').select('marketingConsent').where('producerId', '=', a.producerId).where('marketingConsent', '=', true).execute();
    expect(consent).toHaveLength(0);
    const carol = await box.db.selectFrom('orders').select('marketingConsent').where('producerId', '=', b.producerId).execute();
    expect(carol.every((o) => o.marketingConsent)).toBe(true);
  });

  it('counts failures while SMTP refuses, retries them, and loses nothing', async () => {
    const c = await producerWithEvent(box);
    await buy(box, c, { buyerName: 'Eve', buyerEmail: 'eve@example.org', marketingConsent: false }, 1);
    await buy(box, c, { buyerName: 'Fay', buyerEmail: 'fay@example.org', marketingConsent: false }, 1);
    const cOwner = await staff(box, c);
    smtp.refuse(true);
    const r = await startMailing(box.deps, cOwner, { subject: 'Cancelled', body: 'Sorry.', kind: 'update', eventId: c.event.eventId });
    if (!r.ok) throw new Error(r.message);
    await dispatchMailings(box.deps);
    let p = await mailingProgress(box.deps, cOwner, r.value.id);
    expect(p.ok && [p.value.status, p.value.sent, p.value.failedAttempts]).toEqual(['sending', 0, 2]);
    expect(ours('Cancelled')).toHaveLength(0);
    smtp.refuse(false);
    await dispatchMailings(box.deps);
    p = await mailingProgress(box.deps, cOwner, r.value.id);
    expect(p.ok && [p.value.status, p.value.sent, p.value.failed]).toEqual(['done', 2, 0]);
    expect(ours('Cancelled').map((m) => m.to).sort()).toEqual(['eve@example.org', 'fay@example.org']);
    // Another producer cannot read this mailing.
    expect((await mailingProgress(box.deps, owner, r.value.id)).ok).toBe(false);
  });

  it('previews the mail with its unsubscribe link, and refuses roles that may not email', async () => {
    const p = await previewMailing(box.deps, owner, { subject: 'Hi', body: 'Body', kind: 'update', eventId: null });
    expect(p.ok && p.value.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const viewer = { ...owner, role: 'box_office' };
    expect((await startMailing(box.deps, viewer, { subject: 'x', body: 'y', kind: 'update', eventId: null })).ok).toBe(false);
    expect((await startMailing(box.deps, owner, { subject: 'x', body: 'y', kind: 'update', eventId: b.event.eventId })).ok).toBe(false);
  });
});
