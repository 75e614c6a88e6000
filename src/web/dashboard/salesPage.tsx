import type { SalesOverview } from '../../app/sales.ts';
import { formatInZone } from '../../domain/time.ts';
import { ColumnChart, type Series, StackedBarChart } from '../charts/charts.tsx';
import { Layout, type Viewer } from '../layout.tsx';

const CAPACITY_SERIES: Series[] = [
  { key: 'sold', label: 'Sold', className: 'chart-sold', fill: '#6b1d8f' },
  { key: 'held', label: 'Held', className: 'chart-held', fill: '#c9a3db' },
  { key: 'available', label: 'Available', className: 'chart-available', fill: '#fff' },
];
const CHECK_IN_SERIES: Series[] = [
  { key: 'checkedIn', label: 'Checked in', className: 'chart-sold', fill: '#6b1d8f' },
  { key: 'notYet', label: 'Not yet', className: 'chart-available', fill: '#fff' },
];

/** "1 Mar" for "2027-03-01": the day is already local, so it is formatted as a calendar date. */
const shortDay = (day: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' }).format(new Date(`${day}T00:00:00Z`));

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The producer's sales dashboard: sales per day, capacity per performance, check-in progress. */
export function SalesPage(props: { overview: SalesOverview; viewer: Viewer }) {
  const { perDay, performances, checkIns, timeZone } = props.overview;
  const sold = perDay.reduce((n, d) => n + d.tickets, 0);
  return (
    <Layout title="Sales" viewer={props.viewer}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Sales</h1>
      <p class="muted">Counts of valid tickets: refunded and cancelled tickets are not counted. Held places are in buyers' live holds at checkout.</p>

      <section aria-labelledby="per-day-heading">
        <h2 id="per-day-heading">Tickets sold per day</h2>
        {perDay.length === 0 ? <p>No tickets sold yet.</p> : (
          <ColumnChart
            id="sales-per-day" labelHeader="Day" valueLabel="Tickets"
            title={`Tickets sold per day, ${shortDay(perDay[0]!.day)} to ${shortDay(perDay[perDay.length - 1]!.day)}`}
            desc={`${plural(sold, 'ticket')} in ${plural(perDay.length, 'day')}, counted by day in the ${timeZone} time zone.`}
            columns={perDay.map((d) => ({ label: shortDay(d.day), value: d.tickets }))}
          />
        )}
      </section>

      <section aria-labelledby="capacity-heading">
        <h2 id="capacity-heading">Performances against capacity</h2>
        {performances.length === 0 ? <p>No performances yet.</p> : performances.map((p, i) => {
          const when = formatInZone(p.startsAt, p.timeZone);
          return (
            <section aria-labelledby={`capacity-${i}-heading`} data-performance={p.performanceId}>
              <h3 id={`capacity-${i}-heading`}>{p.eventTitle}, {when}{p.cancelled && ' (cancelled)'}</h3>
              <StackedBarChart
                id={`capacity-${i}`} labelHeader="Ticket type" series={CAPACITY_SERIES}
                title={`${p.eventTitle}, ${when}: tickets against capacity`}
                desc={`${p.sold} sold, ${p.held} held and ${p.available} available of ${p.capacity} places, by ticket type.`}
                rows={[
                  ...p.ticketTypes.map((t) => ({ label: t.name, values: { sold: t.sold, held: t.held, available: t.available } })),
                  ...(p.ticketTypes.length > 1 ? [{ label: 'All ticket types', values: { sold: p.sold, held: p.held, available: p.available } }] : []),
                ]}
              />
            </section>
          );
        })}
      </section>

      <section aria-labelledby="check-in-heading">
        <h2 id="check-in-heading">Check-in progress</h2>
        {checkIns.length === 0 ? <p>No performances yet.</p> : (
          <StackedBarChart
            id="check-ins" labelHeader="Performance" series={CHECK_IN_SERIES}
            title="Check-in progress per performance"
            desc={`Valid tickets checked in at the door, for ${plural(checkIns.length, 'performance')}.`}
            rows={checkIns.map((c) => ({
              label: `${c.eventTitle}, ${formatInZone(c.startsAt, c.timeZone)}`,
              values: { checkedIn: c.checkedIn, notYet: c.valid - c.checkedIn },
            }))}
          />
        )}
      </section>
    </Layout>
  );
}
