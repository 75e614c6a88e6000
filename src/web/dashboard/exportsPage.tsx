import type { ExportsOverview } from '../../app/exports.ts';
import { formatInZone } from '../../domain/time.ts';
import { Layout, type Viewer } from '../layout.tsx';

/** Where a producer downloads attendee lists, and sees the audit trail's record of the last downloads. */
export function ExportsPage(props: { overview: ExportsOverview; viewer: Viewer }) {
  const { events, recent } = props.overview;
  return (
    <Layout title="Attendee exports" viewer={props.viewer}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Attendee exports</h1>
      <p>
        One row per ticket: order, buyer, marketing consent, performance, ticket type, attendee and check-in. Every download is
        recorded in the audit trail with your name, the time, the event and the number of rows. In the CSV, a cell that starts
        with = + - or @ gets a ' in front, so a spreadsheet shows it as text instead of running it.
      </p>
      <section aria-labelledby="events-heading">
        <h2 id="events-heading">Your events</h2>
        {events.length === 0 ? <p>No events yet.</p> : (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">Events and their attendee downloads</caption>
              <thead><tr><th scope="col">Event</th><th scope="col">First performance</th><th scope="col">Download</th></tr></thead>
              <tbody>
                <tr data-export="all">
                  <th scope="row">All events</th>
                  <td />
                  <td>
                    <a href="/dashboard/attendees.csv">CSV<span class="sr-only"> of all events</span></a>{' · '}
                    <a href="/dashboard/attendees.xlsx">XLSX<span class="sr-only"> of all events</span></a>
                  </td>
                </tr>
                {events.map((e) => (
                  <tr data-export={e.id}>
                    <th scope="row">{e.title}</th>
                    <td>{e.firstStartsAt && e.timeZone ? formatInZone(e.firstStartsAt, e.timeZone) : ''}</td>
                    <td>
                      <a href={`/dashboard/events/${e.id}/attendees.csv`}>CSV<span class="sr-only"> of {e.title}</span></a>{' · '}
                      <a href={`/dashboard/events/${e.id}/attendees.xlsx`}>XLSX<span class="sr-only"> of {e.title}</span></a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="recent-heading">
        <h2 id="recent-heading">Recent exports</h2>
        {recent.length === 0 ? <p>No exports yet.</p> : (
          <div class="table-wrap">
            <table>
              <caption class="sr-only">The last {recent.length} exports, newest first</caption>
              <thead>
                <tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">What</th><th scope="col" class="num">Rows</th></tr>
              </thead>
              <tbody>
                {recent.map((r) => (
                  <tr data-export-log>
                    <td>{formatInZone(r.at, 'UTC')}</td>
                    <td>{r.userName}</td>
                    <td>{r.eventId === 'all' ? 'All events' : (r.event?.title ?? 'A deleted event')}, {r.format.toUpperCase()}</td>
                    <td class="num">{r.rows}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}
