import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Mailer } from '../../app/ports.ts';
import type { Db } from '../db/connect.ts';

/**
 * The development mailbox: builds the same MIME message SMTP would carry (with nodemailer)
 * and keeps it in dev_outbox, where /dev/mailbox shows it. Used when SMTP_URL is absent.
 */
export function devOutboxMailer(db: Db, from: string, now: () => Date): Mailer {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(mail) {
      const info = await builder.sendMail({ from, ...mail });
      const raw = info.message as Buffer;
      await db.insertInto('devOutbox').values({ id: randomUUID(), toAddress: mail.to, subject: mail.subject, textBody: mail.text, raw, createdAt: now() }).execute();
    },
  };
}

export interface DevMessageSummary { id: string; toAddress: string; subject: string; createdAt: Date }

export function devOutboxReader(db: Db) {
  return {
    list: (): Promise<DevMessageSummary[]> =>
      db.selectFrom('devOutbox').select(['id', 'toAddress', 'subject', 'createdAt']).orderBy('createdAt', 'desc').limit(200).execute(),
    get: (id: string) => db.selectFrom('devOutbox').where('id', '=', id).selectAll().executeTakeFirst(),
  };
}
