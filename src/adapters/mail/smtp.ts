import nodemailer from 'nodemailer';
import type { Mailer } from '../../app/ports.ts';

/** Sends over SMTP. SMTP_URL is a nodemailer URL, e.g. smtp://user:pass@mail.example.org:587. */
export function smtpMailer(url: string, from: string): Mailer & { close(): void } {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, ...mail });
    },
    close: () => transport.close(),
  };
}
