import type { DevMessageSummary } from '../../adapters/mail/devOutbox.ts';
import { Layout } from '../layout.tsx';

export function MailboxPage(props: { messages: DevMessageSummary[] }) {
  return (
    <Layout title="Dev mailbox">
      <h1>Dev mailbox</h1>
      <p class="notice warn">Development only: SMTP_URL is not set, so mail is kept here instead of being sent.</p>
      {props.messages.length === 0 ? <p>No mail yet.</p> : (
        <ul class="cards">
          {props.messages.map((m) => (
            <li class="card">
              <a href={`/dev/mailbox/${m.id}`}>{m.subject}</a>
              <br /><span class="muted">to {m.toAddress}, {m.createdAt.toISOString()}</span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function MailPage(props: { id: string; subject: string; to: string; text: string; attachments: { filename: string; size: number }[] }) {
  const parts = props.text.split(/(https?:\/\/\S+)/g);
  return (
    <Layout title={props.subject}>
      <p><a href="/dev/mailbox">Back to the mailbox</a></p>
      <h1>{props.subject}</h1>
      <p class="muted">To: {props.to}</p>
      <pre class="mail">{parts.map((part) => (/^https?:\/\//.test(part) ? <a href={part}>{part}</a> : part))}</pre>
      {props.attachments.length > 0 && (
        <>
          <h2>Attachments</h2>
          <ul>
            {props.attachments.map((a, i) => (
              <li><a href={`/dev/mailbox/${props.id}/attachments/${i}`}>{a.filename}</a> ({Math.ceil(a.size / 1024)} KB)</li>
            ))}
          </ul>
        </>
      )}
      <p><a href={`/dev/mailbox/${props.id}/raw.eml`}>Raw message (.eml)</a></p>
    </Layout>
  );
}
