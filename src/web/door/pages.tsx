import type { DoorPerformance } from '../../app/ports.ts';
import { type ScanVerdict, VERDICT_LABEL } from '../../domain/checkIn.ts';
import { formatInZone } from '../../domain/time.ts';
import { Layout, type Viewer } from '../layout.tsx';

function verdictDetail(v: ScanVerdict, tz: string): string {
  switch (v.kind) {
    case 'valid': return `${v.ticketTypeName}, ${v.attendeeName}`;
    case 'already_checked_in': return `Checked in at ${formatInZone(v.checkedInAt, tz)}`;
    case 'wrong_event': return 'This ticket is for another performance.';
    case 'invalid_ticket': return v.reason;
    case 'bad_signature': return 'The code was altered or made elsewhere.';
    case 'unknown': return 'No ticket of yours has this code.';
  }
}

export function DoorPage(props: {
  performances: DoorPerformance[]; selected: string | null; verdict: ScanVerdict | null; error: string | null; viewer: Viewer;
}) {
  const current = props.performances.find((p) => p.id === props.selected) ?? props.performances[0];
  return (
    <Layout title={props.verdict ? `Door: ${VERDICT_LABEL[props.verdict.kind]}` : 'Door'} failed={props.error !== null} viewer={props.viewer}>
      <h1>Door check-in</h1>
      <div aria-live="assertive">
        {props.verdict && (
          <div class={`verdict ${props.verdict.kind}`} data-verdict={props.verdict.kind}>
            {VERDICT_LABEL[props.verdict.kind]}
            <small>{verdictDetail(props.verdict, current?.timeZone ?? 'UTC')}</small>
          </div>
        )}
        {props.error && <div class="notice error">{props.error}</div>}
      </div>
      {props.performances.length === 0 ? (
        <p>There are no performances today or later.</p>
      ) : (
        <form method="post" action="/door">
          <input type="hidden" name="csrf" value={props.viewer.csrf} />
          <label for="performanceId">Performance</label>
          <select id="performanceId" name="performanceId">
            {props.performances.map((p) => (
              <option value={p.id} selected={p.id === current?.id}>{`${p.eventTitle}: ${formatInZone(p.startsAt, p.timeZone)}`}</option>
            ))}
          </select>
          <label for="code">Ticket code</label>
          <input type="text" id="code" name="code" autocomplete="off" autocapitalize="off" spellcheck={false} autofocus required
            aria-describedby="code-help" />
          <p id="code-help" class="muted">Scan with a handheld scanner (it types the code and presses Enter) or paste the code.</p>
          <button type="submit">Check</button>
        </form>
      )}
    </Layout>
  );
}
