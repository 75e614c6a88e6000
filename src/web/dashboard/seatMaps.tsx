import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ProducerVenue } from '../../app/ports.ts';
import { type SeatMapView, addSection, saveSeatMap, venueSeatMap, venuesForSeatMaps } from '../../app/seating.ts';
import { type PlacedSeat, type SeatSpec, MAX_SEATS_PER_MAP, sectionsOf } from '../../domain/seating.ts';
import { statusOf } from '../../http/errors.ts';
import { firstMessages, uuid } from '../forms.ts';
import { ErrorSummary, Layout, ScrollableTable, type Viewer } from '../layout.tsx';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { mapBox } from '../storefront/seatMap.tsx';
import { csrfValid, type SignedIn, } from '../session.ts';
import { userGuard } from './guard.tsx';

// ---------- forms ----------

const name = (what: string) => z.string({ message: `Give the ${what}.` }).trim().min(1, `Give the ${what}.`).max(60, `The ${what} is at most 60 characters.`);
const label = (what: string) => z.string({ message: `Give the ${what}.` }).trim().min(1, `Give the ${what}.`).max(10, `The ${what} is at most 10 characters.`);
const coordinate = (axis: string) => z.number({ message: `${axis} must be a number.` }).int(`${axis} must be a whole number.`).min(-100_000).max(100_000);

/** One seat of a seat map document (the JSON form). */
const seatSchema = z.object({
  section: name('section'), row: label('row'), number: label('seat number'),
  x: coordinate('x'), y: coordinate('y'), zone: name('price zone'),
  forSale: z.boolean({ message: 'forSale must be true or false.' }).default(true),
}).strict();

/** A seat map document: `{ "seats": [{ "section", "row", "number", "x", "y", "zone", "forSale" }, …] }`. */
export const seatMapDocument = z.object({
  seats: z.array(seatSchema, { message: 'The document needs a list of "seats".' }).max(MAX_SEATS_PER_MAP, `A seat map has ${MAX_SEATS_PER_MAP} seats at most.`),
}).strict();

/** Reads the pasted JSON; a problem comes back as one message naming where it is ("seats[3].x: …"). */
export function parseSeatMapJson(text: string): { ok: true; seats: SeatSpec[] } | { ok: false; errors: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, errors: ['That is not valid JSON.'] };
  }
  const parsed = seatMapDocument.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: [...new Set(parsed.error.issues.slice(0, 5).map((i) => {
        const where = i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
        return where ? `${where}: ${i.message}` : i.message;
      }))],
    };
  }
  return { ok: true, seats: parsed.data.seats };
}

/** The map as a document, one seat a line, to edit and paste back. */
export function seatMapJson(seats: readonly PlacedSeat[]): string {
  if (seats.length === 0) return '{\n  "seats": []\n}';
  const line = (s: PlacedSeat) => JSON.stringify({ section: s.section, row: s.row, number: s.number, x: s.x, y: s.y, zone: s.zone, forSale: s.forSale });
  return `{\n  "seats": [\n    ${seats.map(line).join(',\n    ')}\n  ]\n}`;
}

const sectionForm = z.object({
  csrf: z.string().optional(),
  section: name('section name'),
  firstRow: z.string().trim().min(1, 'Give the first row, like A.').max(2, 'Rows are one or two letters.'),
  lastRow: z.string().trim().min(1, 'Give the last row, like J.').max(2, 'Rows are one or two letters.'),
  firstSeat: z.coerce.number({ message: 'The first seat is a number.' }).int('The first seat is a whole number.'),
  lastSeat: z.coerce.number({ message: 'The last seat is a number.' }).int('The last seat is a whole number.'),
  zone: name('price zone'),
  notForSale: z.string().max(2000, 'The list of seats not for sale is too long.').default('').transform((v) => v.split(/[\s,;]+/).filter((x) => x !== '')),
});

// ---------- routes ----------

/** Seat maps of the producer's venues (issue 4 §3): owners and admins. */
export function registerSeatMapRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const requireUser = userGuard(w, 'seatmaps.edit');

  app.get('/dashboard/venues', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const venues = await venuesForSeatMaps(deps, s.user);
    if (!venues.ok) return failurePage(reply, venues, s.viewer);
    return html(reply, <VenuesPage venues={venues.value} viewer={s.viewer} />);
  });

  const DONE: Record<string, string> = { section: 'The section is added to the map.', saved: 'The seat map is saved.' };
  app.get<{ Params: { venueId: string }; Querystring: { done?: string } }>('/dashboard/venues/:venueId/seats', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.venueId).success) return reply.callNotFound();
    const map = await venueSeatMap(deps, s.user, req.params.venueId);
    if (!map.ok) return failurePage(reply, map, s.viewer);
    return html(reply, <SeatMapPage map={map.value} errors={[]} notice={DONE[req.query.done ?? ''] ?? null} json={null} viewer={s.viewer} />);
  });

  /** A form of the seat map page: role, venue of this producer, CSRF, then the use case; errors show on the page. */
  const mapAction = async (
    req: FastifyRequest<{ Params: { venueId: string } }>, reply: FastifyReply,
    run: (s: SignedIn, body: Record<string, unknown>) => Promise<{ ok: true } | { ok: false; status: number; errors: string[]; json?: string }>, done: string,
  ) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.venueId).success) return reply.callNotFound();
    const map = await venueSeatMap(deps, s.user, req.params.venueId);
    if (!map.ok) return failurePage(reply, map, s.viewer);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const again = (status: number, errors: string[], json: string | null = null) =>
      html(reply, <SeatMapPage map={map.value} errors={errors} notice={null} json={json} viewer={s.viewer} />, status);
    if (!csrfValid(w.session, s.token, body.csrf)) return again(403, ['This form has expired. Reload the page and try again.']);
    const result = await run(s, body);
    if (!result.ok) return again(result.status, result.errors, result.json ?? null);
    return reply.redirect(`/dashboard/venues/${req.params.venueId}/seats?done=${done}`, 303);
  };

  app.post<{ Params: { venueId: string } }>('/dashboard/venues/:venueId/seats/section', (req, reply) =>
    mapAction(req, reply, async (s, body) => {
      const form = sectionForm.safeParse(body);
      if (!form.success) return { ok: false, status: 400, errors: firstMessages(form.error) };
      const added = await addSection(deps, s.user, req.params.venueId, form.data);
      return added.ok ? { ok: true } : { ok: false, status: statusOf(added), errors: [added.message] };
    }, 'section'));

  // A whole map can be long: this form alone may carry up to 1 MB.
  app.post<{ Params: { venueId: string } }>('/dashboard/venues/:venueId/seats', { bodyLimit: 1024 * 1024 }, (req, reply) =>
    mapAction(req, reply, async (s, body) => {
      const text = typeof body.document === 'string' ? body.document : '';
      const parsed = parseSeatMapJson(text);
      if (!parsed.ok) return { ok: false, status: 400, errors: parsed.errors, json: text };
      const saved = await saveSeatMap(deps, s.user, req.params.venueId, parsed.seats);
      return saved.ok ? { ok: true } : { ok: false, status: statusOf(saved), errors: [saved.message], json: text };
    }, 'saved'));
}

// ---------- pages ----------

function VenuesPage(props: { venues: ProducerVenue[]; viewer: Viewer }) {
  return (
    <Layout title="Seat maps" viewer={props.viewer}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Seat maps</h1>
      <p class="muted">A venue with a seat map sells reserved seats for ticket types that have a price zone; each zone's seats are sold as that ticket type.</p>
      {props.venues.length === 0 ? <p>You have no venues yet.</p> : (
        <ul class="plain">
          {props.venues.map((v) => (
            <li>
              <a href={`/dashboard/venues/${v.id}/seats`}>{v.name}</a>
              <br />
              <span class="muted">{v.address ? `${v.address} · ` : ''}{v.seatCount === 0 ? 'no seat map' : `${v.seatCount} seats`}</span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

function SeatMapPage(props: { map: SeatMapView; errors: string[]; notice: string | null; json: string | null; viewer: Viewer }) {
  const { venue, seats } = props.map;
  const sections = sectionsOf(seats);
  const csrf = <input type="hidden" name="csrf" value={props.viewer.csrf} />;
  return (
    <Layout title={`Seat map: ${venue.name}`} failed={props.errors.length > 0} viewer={props.viewer}>
      <p><a href="/dashboard/venues">All seat maps</a></p>
      <h1>Seat map: {venue.name}</h1>
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <ErrorSummary messages={props.errors} />

      <section aria-labelledby="map-heading">
        <h2 id="map-heading">The map</h2>
        {seats.length === 0 ? <p>This venue has no seats yet. Add a section below, or paste a map.</p> : (
          <>
            <SeatMapPreview seats={seats} />
            <ScrollableTable label="Sections of the seat map">
              <table>
                <caption class="sr-only">Sections of the seat map</caption>
                <thead><tr><th scope="col">Section</th><th scope="col">Rows</th><th scope="col" class="num">Seats</th><th scope="col" class="num">Not for sale</th><th scope="col">Zones</th></tr></thead>
                <tbody>
                  {sections.map((sec) => {
                    const all = sec.rows.flatMap((r) => r.seats);
                    return (
                      <tr data-section={sec.name}>
                        <th scope="row">{sec.name}</th>
                        <td>{sec.rows[0]!.label}–{sec.rows[sec.rows.length - 1]!.label}</td>
                        <td class="num">{all.length}</td>
                        <td class="num">{all.filter((x) => !x.forSale).map((x) => `${x.row}${x.number}`).join(', ') || 'none'}</td>
                        <td>{[...new Set(all.map((x) => x.zone))].join(', ')}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </ScrollableTable>
          </>
        )}
      </section>

      <section aria-labelledby="section-heading">
        <h2 id="section-heading">Add a section</h2>
        <p class="muted">Rows of seats numbered left to right as seen from the stage, placed behind the seats already on the map.</p>
        <form method="post" action={`/dashboard/venues/${venue.id}/seats/section`}>
          {csrf}
          <label for="section">Section name</label>
          <input type="text" id="section" name="section" required maxLength={60} placeholder="Stalls" />
          <label for="firstRow">First row</label>
          <input type="text" id="firstRow" name="firstRow" required maxLength={2} value="A" />
          <label for="lastRow">Last row</label>
          <input type="text" id="lastRow" name="lastRow" required maxLength={2} value="J" />
          <label for="firstSeat">First seat number</label>
          <input type="number" id="firstSeat" name="firstSeat" required min={1} value={1} inputMode="numeric" />
          <label for="lastSeat">Last seat number</label>
          <input type="number" id="lastSeat" name="lastSeat" required min={1} value={20} inputMode="numeric" />
          <label for="zone">Price zone</label>
          <input type="text" id="zone" name="zone" required maxLength={60} placeholder="Stalls" aria-describedby="zone-help" />
          <p id="zone-help" class="muted">A ticket type with this zone sells these seats.</p>
          <label for="notForSale">Seats not for sale (optional)</label>
          <input type="text" id="notForSale" name="notForSale" maxLength={2000} placeholder="A1 A20 C7" aria-describedby="nfs-help" />
          <p id="nfs-help" class="muted">Row and number, separated by spaces or commas: for example wheelchair spaces or seats with no view.</p>
          <button type="submit">Add the section</button>
        </form>
      </section>

      <section aria-labelledby="json-heading">
        <h2 id="json-heading">Edit the whole map as JSON</h2>
        <p class="muted">
          One entry per seat: <code>section</code>, <code>row</code>, <code>number</code>, <code>x</code> and <code>y</code> (whole numbers; the stage is at
          the top, so a smaller <code>y</code> is nearer it), <code>zone</code> and <code>forSale</code>. Saving replaces the map; a seat that has been
          held or sold cannot be removed, only marked <code>"forSale": false</code>.
        </p>
        <form method="post" action={`/dashboard/venues/${venue.id}/seats`}>
          {csrf}
          <label for="document">Seat map (JSON)</label>
          <textarea id="document" name="document" rows={16} spellcheck={false} class="code">{props.json ?? seatMapJson(seats)}</textarea>
          <button type="submit">Save the map</button>
        </form>
      </section>
    </Layout>
  );
}

/** The producer's picture of the map: every seat, not-for-sale ones dashed. */
function SeatMapPreview(props: { seats: readonly PlacedSeat[] }) {
  const box = mapBox(props.seats);
  const forSale = props.seats.filter((s) => s.forSale).length;
  return (
    <svg class="seat-map" viewBox={`${box.x} ${box.y} ${box.width} ${box.height}`} role="img" aria-labelledby="preview-title preview-desc">
      <title id="preview-title">Seat map preview</title>
      <desc id="preview-desc">{`${props.seats.length} seats, ${forSale} for sale; stage at the top. The table below lists the sections.`}</desc>
      <rect class="seat-stage" x={box.x + 40} y={box.y + 8} width={box.width - 80} height={26} rx={4} />
      <text x={box.x + box.width / 2} y={box.y + 26} text-anchor="middle" font-size="14">Stage</text>
      {sectionsOf(props.seats).map((section) => [
        <text x={box.x + box.width / 2} y={section.rows[0]!.seats[0]!.y - 18} text-anchor="middle" font-size="12">{section.name}</text>,
        ...section.rows.map((row) => (
        <g>
          <text x={row.seats[0]!.x - 20} y={row.seats[0]!.y + 4} text-anchor="end" font-size="12">{row.label}</text>
          {row.seats.map((s) => (
            <g class={`seat seat-${s.forSale ? 'available' : 'not_for_sale'}`}>
              <circle class="seat-shape" cx={s.x} cy={s.y} r={12} />
              <text class="seat-number" x={s.x} y={s.y + 4} text-anchor="middle" font-size="11">{s.number}</text>
            </g>
          ))}
        </g>
      ))])}
    </svg>
  );
}
