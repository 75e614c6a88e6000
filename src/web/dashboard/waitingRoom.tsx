import type { FastifyInstance, } from 'fastify';
import { z } from 'zod';
import type { ProducerEvent, WaitingRoomSettings } from '../../app/ports.ts';
import { configureWaitingRoom, waitingRoomSettings, waitingRoomsOverview } from '../../app/waitingRoom.ts';
import { MAX_PER_MINUTE, MIN_PER_MINUTE } from '../../domain/waitingRoom.ts';
import { formatInZone, wallClock, zonedTimeToUtc } from '../../domain/time.ts';
import { statusOf } from '../../http/errors.ts';
import { uuid } from '../forms.ts';
import { ErrorSummary, Layout, type Viewer } from '../layout.tsx';
import { failurePage, html } from '../reply.tsx';
import type { WebDeps } from '../routes.tsx';
import { csrfValid, } from '../session.ts';
import { userGuard } from './guard.tsx';

const settingsForm = z.object({
  enabled: z.literal('yes').optional(),
  opensAt: z.string({ message: 'Give the time the sale opens.' }).regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'Give the time the sale opens, as a date and a time.'),
  perMinute: z.string({ message: 'Give how many buyers to let in per minute.' }).trim().regex(/^\d{1,6}$/, 'Give how many buyers to let in per minute, as a whole number.')
    .transform(Number).pipe(z.number().min(MIN_PER_MINUTE, `Let in at least ${MIN_PER_MINUTE} buyer per minute.`).max(MAX_PER_MINUTE, `Let in at most ${MAX_PER_MINUTE} buyers per minute.`)),
});

interface FormValues { enabled: boolean; opensAt: string; perMinute: string }

/** A producer turns the waiting room on or off for each of its events (owner and admin; ADR 0012). */
export function registerWaitingRoomSettingsRoutes(app: FastifyInstance, w: WebDeps): void {
  const deps = w.app;
  const requireUser = userGuard(w, 'events.manage');

  app.get('/dashboard/waiting-rooms', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    const o = await waitingRoomsOverview(deps, s.user);
    if (!o.ok) return failurePage(reply, o, s.viewer);
    return html(reply, <WaitingRoomsPage rows={o.value} viewer={s.viewer} />);
  });

  app.get<{ Params: { eventId: string } }>('/dashboard/events/:eventId/waiting-room', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.eventId).success) return reply.callNotFound();
    const r = await waitingRoomSettings(deps, s.user, req.params.eventId);
    if (!r.ok) return failurePage(reply, r, s.viewer);
    return html(reply, <WaitingRoomPage event={r.value.event} form={formOf(r.value.event, r.value.settings, deps.clock.now())} saved={r.value.settings} errors={[]} notice={null} viewer={s.viewer} />);
  });

  app.post<{ Params: { eventId: string } }>('/dashboard/events/:eventId/waiting-room', async (req, reply) => {
    const s = await requireUser(req, reply);
    if (!s) return reply;
    if (!uuid.safeParse(req.params.eventId).success) return reply.callNotFound();
    const r = await waitingRoomSettings(deps, s.user, req.params.eventId);
    if (!r.ok) return failurePage(reply, r, s.viewer);
    const { event } = r.value;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const echo: FormValues = { enabled: body.enabled === 'yes', opensAt: String(body.opensAt ?? '').slice(0, 20), perMinute: String(body.perMinute ?? '').slice(0, 10) };
    const again = (status: number, errors: string[]) => html(reply, <WaitingRoomPage event={event} form={echo} saved={r.value.settings} errors={errors} notice={null} viewer={s.viewer} />, status);
    if (!csrfValid(w.session, s.token, body.csrf)) return again(403, ['This form has expired. Reload the page and try again.']);
    const parsed = settingsForm.safeParse(body);
    if (!parsed.success) return again(400, parsed.error.issues.map((i) => i.message));
    const [date, time] = parsed.data.opensAt.split('T') as [string, string];
    const opensAt = zonedTimeToUtc(date, time, zoneOf(event));
    if (!opensAt) return again(400, [`There is no such time in ${zoneOf(event)}: give the date and time the sale opens.`]);
    const saved = await configureWaitingRoom(deps, s.user, event.id, { enabled: parsed.data.enabled === 'yes', opensAt, perMinute: parsed.data.perMinute });
    if (!saved.ok) return again(statusOf(saved), [saved.message]);
    const notice = saved.value.enabled
      ? `The waiting room is on: the sale opens at ${formatInZone(saved.value.opensAt, saved.value.timeZone)}, letting in ${saved.value.perMinute} per minute.`
      : 'The waiting room is off: buyers choose tickets directly.';
    return html(reply, <WaitingRoomPage event={event} form={formOf(event, saved.value, deps.clock.now())} saved={saved.value} errors={[]} notice={notice} viewer={s.viewer} />);
  });
}

const zoneOf = (e: ProducerEvent) => e.timeZone ?? 'UTC';
/** An instant as a `datetime-local` value ("2027-03-31T19:30") in the zone. */
const toLocalInput = (at: Date, timeZone: string) => {
  const w = wallClock(at, timeZone);
  return `${w.date}T${w.time}`;
};

function formOf(event: ProducerEvent, s: WaitingRoomSettings | null, now: Date): FormValues {
  if (!s) return { enabled: false, opensAt: toLocalInput(new Date(Math.ceil(now.getTime() / 3_600_000) * 3_600_000), zoneOf(event)), perMinute: '100' };
  return { enabled: s.enabled, opensAt: toLocalInput(s.opensAt, zoneOf(event)), perMinute: String(s.perMinute) };
}

function WaitingRoomsPage(props: { rows: { event: ProducerEvent; room: WaitingRoomSettings | null }[]; viewer: Viewer }) {
  return (
    <Layout title="Waiting rooms" viewer={props.viewer}>
      <p><a href="/dashboard">All orders</a></p>
      <h1>Waiting rooms</h1>
      <p>
        For a busy on-sale, put an event behind a waiting room: everyone who arrives before the sale opens gets a place by lot,
        later arrivals queue behind them, and buyers are let in to choose tickets at the rate you set.
      </p>
      {props.rows.length === 0 ? <p>No events yet.</p> : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Your events and their waiting rooms</caption>
            <thead><tr><th scope="col">Event</th><th scope="col">Waiting room</th><th scope="col">Change</th></tr></thead>
            <tbody>
              {props.rows.map(({ event, room }) => (
                <tr data-waiting-room={event.id}>
                  <th scope="row">{event.title}</th>
                  <td>{room?.enabled ? `On: opens ${formatInZone(room.opensAt, room.timeZone)}, ${room.perMinute} per minute` : 'Off'}</td>
                  <td><a href={`/dashboard/events/${event.id}/waiting-room`}>Settings<span class="sr-only"> of the waiting room of {event.title}</span></a></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

function WaitingRoomPage(props: { event: ProducerEvent; form: FormValues; saved: WaitingRoomSettings | null; errors: string[]; notice: string | null; viewer: Viewer }) {
  const { event, form } = props;
  return (
    <Layout title={`Waiting room: ${event.title}`} viewer={props.viewer} failed={props.errors.length > 0}>
      <p><a href="/dashboard/waiting-rooms">All waiting rooms</a></p>
      <h1>Waiting room: {event.title}</h1>
      <ErrorSummary messages={props.errors} />
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <p>
        While the waiting room is on, buyers of every performance of this event go through it: they can choose tickets only once
        it is their turn. Changing the opening time starts a new queue; changing the rate keeps everyone's place.
      </p>
      <form method="post" action={`/dashboard/events/${event.id}/waiting-room`}>
        <input type="hidden" name="csrf" value={props.viewer.csrf} />
        <label><input type="checkbox" name="enabled" value="yes" checked={form.enabled} /> Waiting room on</label>
        <label for="opensAt">Sale opens ({zoneOf(event)} time)</label>
        <input type="datetime-local" id="opensAt" name="opensAt" required value={form.opensAt} />
        <label for="perMinute">Buyers let in per minute</label>
        <input type="number" id="perMinute" name="perMinute" min={MIN_PER_MINUTE} max={MAX_PER_MINUTE} required inputMode="numeric" value={form.perMinute} />
        <button type="submit">Save</button>
      </form>
      {props.saved?.enabled && (
        <p>Buyers wait at <a href={`/events/${encodeURIComponent(event.slug)}/queue`}>{`/events/${event.slug}/queue`}</a>; the event page sends them there.</p>
      )}
    </Layout>
  );
}
