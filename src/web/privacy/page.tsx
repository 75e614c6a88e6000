import type { PrivacyFacts } from '../../domain/privacy.ts';
import { formatInZone } from '../../domain/time.ts';
import { lifetimeText } from '../cookies.ts';
import { Layout, ScrollableTable, type Viewer } from '../layout.tsx';

/** What the privacy page shows: the facts of the running system, and their version. */
export interface PrivacyPageData {
  facts: PrivacyFacts;
  version: { version: number; hash: string; since: Date };
}

/** The privacy page (promise list of DEVELOPERS.md), generated from the facts; nothing here is hand-written policy. */
export function PrivacyPage(props: PrivacyPageData & { viewer: Viewer | null }) {
  const { facts, version } = props;
  const r = facts.retention;
  return (
    <Layout title="Privacy" viewer={props.viewer}>
      <h1>Privacy</h1>
      <p>
        This page is generated from the box office's running configuration, so it says what the system really does.{' '}
        <span data-privacy-version={version.hash}>Version {version.version} ({version.hash.slice(0, 12)})</span>, last changed{' '}
        <time dateTime={version.since.toISOString()}>{formatInZone(version.since, 'UTC')}</time>.
      </p>

      <h2 id="checkout">What we ask for at checkout</h2>
      <ScrollableTable label="What we ask for at checkout">
        <table data-privacy="checkout-fields">
          <thead><tr><th scope="col">Field</th><th scope="col">Required</th><th scope="col">Why</th></tr></thead>
          <tbody>
            {facts.checkoutFields.map((f) => (
              <tr data-field={f.name}><td>{f.label}</td><td>{f.required ? 'Yes' : 'No'}</td><td>{f.purpose}</td></tr>
            ))}
          </tbody>
        </table>
      </ScrollableTable>
      {facts.producerQuestions.length > 0 ? (
        <>
          <h3>Questions producers add to their checkout</h3>
          <p>A producer may add questions to an event's checkout, each with its reason, shown beside the field. They are listed here as they are now; the answers are kept with the order and erased with it.</p>
          <ScrollableTable label="Questions producers add to their checkout">
            <table data-privacy="producer-questions">
              <thead><tr><th scope="col">Producer</th><th scope="col">Event</th><th scope="col">Question</th><th scope="col">Required</th><th scope="col">Why the producer asks</th></tr></thead>
              <tbody>
                {facts.producerQuestions.map((q) => (
                  <tr data-question><td>{q.producerName}</td><td>{q.eventTitle}</td><td>{q.label}</td><td>{q.required ? 'Yes' : 'No'}</td><td>{q.purpose}</td></tr>
                ))}
              </tbody>
            </table>
          </ScrollableTable>
        </>
      ) : (
        <p>Producers ask no questions of their own at checkout.</p>
      )}
      <p>We never see or store your card number: you type it on the payment provider's page.</p>

      <h2 id="ip">Your IP address and network</h2>
      <p>{facts.ipAndIsp}</p>

      <h2 id="cookies">Cookies</h2>
      <p>Only the essential cookies below. No analytics, advertising, fingerprinting or third-party cookies.</p>
      <ScrollableTable label="Cookies">
        <table data-privacy="cookies">
          <thead><tr><th scope="col">Name</th><th scope="col">Why</th><th scope="col">Lifetime</th><th scope="col">Flags</th></tr></thead>
          <tbody>
            {facts.cookies.map((c) => (
              <tr data-cookie={c.name}>
                <td><code>{c.name}</code></td>
                <td>{c.purpose}</td>
                <td>At most {lifetimeText(c.maxAgeSeconds)}</td>
                <td>{[c.httpOnly ? 'HttpOnly' : 'readable by scripts', `SameSite=${c.sameSite === 'lax' ? 'Lax' : 'Strict'}`, `Path=${c.path}`, 'Secure over HTTPS'].join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollableTable>

      <h2 id="processors">Who else handles your data</h2>
      <p>Your order is shared with the producer whose event you booked. Besides them, these services are involved:</p>
      <dl class="facts" data-privacy="processors">
        {facts.processors.map((p) => (
          <>
            <dt>{p.role === 'payments' ? 'Payments' : 'Mail'}</dt>
            <dd data-processor={p.role}><strong>{p.name}</strong>. {p.receives}</dd>
          </>
        ))}
      </dl>

      <h2 id="retention">How long we keep it</h2>
      <ul data-privacy="retention">
        <li data-retention="ip">IP address, ISP and network: erased {r.ipDays} days after the order or log-in.</li>
        <li data-retention="buyer">Your name and email on an order: anonymised {r.buyerDataMonths} months after the event's last performance. The order itself is kept, anonymised, for the accounts.</li>
        <li data-retention="abandoned">Abandoned baskets, unpaid orders and sent mail in our outbox: deleted after {r.abandonedDays} days.</li>
      </ul>

      <h2 id="disclosure">When we disclose data</h2>
      <p>{facts.disclosure}</p>
    </Layout>
  );
}
