import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './browser.ts';

export interface ReceivedMail { to: string; subject: string; text: string; headers: Map<string, unknown>; raw: string }

export interface SmtpInbox {
  /** Every message received so far, parsed with mailparser. */
  mails: ReceivedMail[];
  /** The smtp:// URL to give the SMTP mailer. */
  url: string;
  /** While true, every recipient is refused with a temporary 451 (a server that is down). */
  refuse(on: boolean): void;
  close(): Promise<void>;
}

/** A real local SMTP server (smtp-server) on a free loopback port that keeps what it receives. */
export async function startSmtpInbox(): Promise<SmtpInbox> {
  const port = await freePort();
  const mails: ReceivedMail[] = [];
  let down = false;
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onRcptTo(_addr, _session, cb) {
      if (down) return cb(Object.assign(new Error('try later'), { responseCode: 451 }));
      cb();
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        const p = await simpleParser(raw);
        const to = Array.isArray(p.to) ? p.to[0]!.text : (p.to?.text ?? '');
        mails.push({ to, subject: p.subject ?? '', text: p.text ?? '', headers: p.headers, raw: raw.toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    mails,
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    refuse(on) { down = on; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
