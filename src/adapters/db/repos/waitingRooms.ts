import { sql } from 'kysely';
import type { WaitingRoomRepo, WaitingRoomSettings } from '../../../app/ports.ts';
import type { Db } from '../connect.ts';

/** The waiting rooms' settings, with the event's slug and title and the time zone of its first performance's venue. */
export function waitingRoomRepo(db: Db): WaitingRoomRepo {
  const rooms = () =>
    db
      .selectFrom('waitingRooms as w')
      .innerJoin('events as e', 'e.id', 'w.eventId')
      .select([
        'w.eventId', 'w.producerId', 'w.opensAt', 'w.perMinute', 'w.rateFrom', 'w.admittedAtRateFrom', 'w.enabled', 'w.updatedAt', 'e.slug as eventSlug', 'e.title as eventTitle',
        sql<string | null>`(select v.time_zone from performances p join venues v on v.id = p.venue_id where p.event_id = e.id order by p.starts_at limit 1)`.as('timeZone'),
      ]);
  const toSettings = (r: Awaited<ReturnType<ReturnType<typeof rooms>['executeTakeFirstOrThrow']>>): WaitingRoomSettings => ({ ...r, timeZone: r.timeZone ?? 'UTC' });
  return {
    async forEvent(eventId) {
      const r = await rooms().where('w.eventId', '=', eventId).executeTakeFirst();
      return r ? toSettings(r) : null;
    },
    async forEventSlug(eventSlug) {
      const r = await rooms().where('e.slug', '=', eventSlug).executeTakeFirst();
      return r ? toSettings(r) : null;
    },
    async save(s) {
      await db
        .insertInto('waitingRooms')
        .values(s)
        .onConflict((oc) => oc.column('eventId').doUpdateSet({ opensAt: s.opensAt, perMinute: s.perMinute, rateFrom: s.rateFrom, admittedAtRateFrom: s.admittedAtRateFrom, enabled: s.enabled, updatedAt: s.updatedAt }))
        .execute();
    },
    async allEnabled() {
      return (await rooms().where('w.enabled', '=', true).execute()).map(toSettings);
    },
    async ofProducer(producerId) {
      return (await rooms().where('w.producerId', '=', producerId).where('e.producerId', '=', producerId).execute()).map(toSettings);
    },
  };
}
