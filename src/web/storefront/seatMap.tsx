import type { SeatingView, SeatView } from '../../app/seating.ts';
import { formatMoney } from '../../domain/money.ts';
import { type PlacedSeat, SEAT_SPACING, sectionsOf } from '../../domain/seating.ts';

const STATE_TEXT: Record<SeatView['state'], string> = { available: 'available', taken: 'taken', not_for_sale: 'not for sale' };

/** "Row C, seat 12, Stalls, £25, available": what a screen reader says for a seat. */
export function seatLabel(s: SeatView): string {
  return `Row ${s.row}, seat ${s.number}, ${s.section}${s.price ? `, ${formatMoney(s.price)}` : ''}, ${STATE_TEXT[s.state]}`;
}

const R = Math.round(SEAT_SPACING * 0.4);
const MARGIN = 40;

/** The bounds of a map in its own units, with room for the stage and the row letters. */
export function mapBox(seats: readonly Pick<PlacedSeat, 'x' | 'y'>[]): { x: number; y: number; width: number; height: number } {
  const xs = seats.map((s) => s.x);
  const ys = seats.map((s) => s.y);
  const minX = Math.min(...xs) - R - MARGIN;
  const maxX = Math.max(...xs) + R + MARGIN;
  const minY = Math.min(...ys) - R - 70;
  const maxY = Math.max(...ys) + R + 10;
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * The seat map as server-rendered SVG, and the same seats as a list of checkboxes in one form.
 * Without JavaScript the list is the control and the map a picture of it; the seatMap island turns
 * each seat on the map into a checkbox a keyboard can reach (arrow keys) and ties it to the list.
 */
export function SeatPicker(props: { seating: SeatingView; selected: readonly string[]; idPrefix: string }) {
  const { seating, idPrefix } = props;
  const selected = new Set(props.selected);
  const box = mapBox(seating.seats);
  const sections = sectionsOf(seating.seats);
  const free = seating.seats.filter((s) => s.state === 'available').length;
  const titleId = `${idPrefix}-map-title`;
  const descId = `${idPrefix}-map-desc`;
  return (
    <fieldset class="seat-picker" data-seat-picker data-map-label={`Seat map, stage at the top: ${free} seats available. Arrow keys move between seats; Space chooses one.`}>
      <legend>Choose your seats</legend>
      <ul class="seat-legend">
        <li><svg viewBox="0 0 24 24" aria-hidden="true"><circle class="seat-shape seat-available" cx="12" cy="12" r="10" /></svg> Available</li>
        <li><svg viewBox="0 0 24 24" aria-hidden="true"><circle class="seat-shape seat-chosen" cx="12" cy="12" r="10" /></svg> Your choice</li>
        <li><svg viewBox="0 0 24 24" aria-hidden="true"><circle class="seat-shape seat-taken" cx="12" cy="12" r="10" /></svg> Taken</li>
        <li><svg viewBox="0 0 24 24" aria-hidden="true"><circle class="seat-shape seat-not_for_sale" cx="12" cy="12" r="10" /></svg> Not for sale</li>
      </ul>
      <p class="muted">
        {seating.seatedTypes.map((t, i) => <>{i > 0 && ' · '}{t.zone}: {formatMoney(t.price)}</>)}
      </p>
      <svg class="seat-map" data-seat-map viewBox={`${box.x} ${box.y} ${box.width} ${box.height}`} role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>Seat map</title>
        <desc id={descId}>{`Stage at the top; ${free} of ${seating.seats.length} seats available. Choose seats in the list of seats.`}</desc>
        <rect class="seat-stage" x={box.x + MARGIN} y={box.y + 8} width={box.width - 2 * MARGIN} height={26} rx={4} />
        <text class="seat-stage-text" x={box.x + box.width / 2} y={box.y + 26} text-anchor="middle" font-size="14">Stage</text>
        {sections.map((section) => (
          <g>
            <text class="seat-section-text" x={box.x + box.width / 2} y={section.rows[0]!.seats[0]!.y - R - 6} text-anchor="middle" font-size="12">{section.name}</text>
            {section.rows.map((row) => (
              <g>
                <text class="seat-row-text" x={row.seats[0]!.x - R - 8} y={row.seats[0]!.y + 4} text-anchor="end" font-size="12">{row.label}</text>
                {row.seats.map((s) => (
                  <g class={`seat seat-${selected.has(s.id) && s.state === 'available' ? 'chosen' : s.state}`} data-seat={s.id} data-label={seatLabel(s)}
                    data-x={s.x} data-y={s.y} data-row={`${section.name}|${row.label}`}>
                    <circle class="seat-shape" cx={s.x} cy={s.y} r={R} />
                    <text class="seat-number" x={s.x} y={s.y + 4} text-anchor="middle" font-size="11">{s.number}</text>
                  </g>
                ))}
              </g>
            ))}
          </g>
        ))}
      </svg>
      <p class="seat-status" data-seat-status aria-live="polite" />
      <details class="seat-list" data-seat-list open>
        <summary>Seats as a list</summary>
        {sections.map((section) => (
          <fieldset>
            <legend>{section.name}</legend>
            {section.rows.map((row) => (
              <fieldset class="seat-row">
                <legend>Row {row.label}</legend>
                {row.seats.map((s) => (
                  <label class="check seat-check">
                    <input type="checkbox" name="seat" value={s.id} checked={selected.has(s.id) && s.state === 'available'} disabled={s.state !== 'available'} />
                    <span>{seatLabel(s)}</span>
                  </label>
                ))}
              </fieldset>
            ))}
          </fieldset>
        ))}
      </details>
    </fieldset>
  );
}

/** "Let us choose": the best N seats side by side, in one zone or any (the rule is in domain/seating.ts). */
export function BestSeatsForm(props: { action: string; performanceId: string; seating: SeatingView; idPrefix: string }) {
  const zones = [...new Set(props.seating.seatedTypes.map((t) => t.zone))];
  return (
    <form method="post" action={props.action} class="best-seats">
      <input type="hidden" name="performanceId" value={props.performanceId} />
      <h3>Or let us choose</h3>
      <p class="muted">The best seats side by side: the row nearest the stage, as close to its middle as they fit.</p>
      <label for={`${props.idPrefix}-best`}>How many seats together</label>
      <input type="number" id={`${props.idPrefix}-best`} name="best" min={1} max={10} value={2} inputMode="numeric" />
      {zones.length > 1 && (
        <>
          <label for={`${props.idPrefix}-zone`}>Where</label>
          <select id={`${props.idPrefix}-zone`} name="bestZone">
            <option value="">Anywhere</option>
            {zones.map((z) => <option value={z}>{z}</option>)}
          </select>
        </>
      )}
      <button type="submit">Hold the best seats together</button>
    </form>
  );
}
