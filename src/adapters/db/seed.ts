import { randomUUID } from 'node:crypto';
import type { PasswordHasher } from '../../app/ports.ts';
import type { Db } from './connect.ts';

/** Creating producers and events directly, for the demo and for tests, until the producer workspace (issue 6) does it. */

export interface NewTicketType {
  name: string; priceMinor: number; currency: string; taxRateBp?: number; taxInclusive?: boolean;
  /** Shorthand for the type's own quota of this many places (a quota with the type's id and name). */
  capacity?: number;
  /** Names of the performance's shared quotas (`NewPerformance.quotas`) the type also draws on. */
  quotas?: string[];
  salesOpensAt?: Date | null; salesClosesAt?: Date | null; minPerOrder?: number; maxPerOrder?: number;
}
/** `quotas`: places shared by several ticket types, e.g. the hall's 500 for Adult, Student and Companion. */
export interface NewPerformance { startsAt: Date; ticketTypes: NewTicketType[]; quotas?: { name: string; capacity: number }[] }
export interface NewEvent {
  slug: string; title: string; description?: string; isDemo?: boolean; venue: { name: string; address?: string; timeZone: string }; performances: NewPerformance[];
  fees?: { perTicketMinor?: number; perOrderMinor?: number; taxRateBp?: number };
}

export async function createProducer(
  db: Db, passwords: PasswordHasher,
  p: { name: string; slug: string; isDemo?: boolean; legal?: { name: string; address: string; vatId?: string }; user: { email: string; name: string; password: string; role?: string } },
  now: Date,
): Promise<{ producerId: string; userId: string }> {
  const producerId = randomUUID();
  const userId = randomUUID();
  const passwordHash = await passwords.hash(p.user.password);
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('producers')
      .values({
        id: producerId, name: p.name, slug: p.slug, isDemo: p.isDemo ?? false, createdAt: now,
        legalName: p.legal?.name ?? '', legalAddress: p.legal?.address ?? '', vatId: p.legal?.vatId ?? null,
      })
      .execute();
    await tx
      .insertInto('users')
      .values({ id: userId, producerId, email: p.user.email.toLowerCase(), name: p.user.name, passwordHash, role: p.user.role ?? 'owner', createdAt: now })
      .execute();
  });
  return { producerId, userId };
}

export interface CreatedEvent { eventId: string; performances: { id: string; ticketTypeIds: string[]; quotaIds: Record<string, string> }[] }

export async function createEvent(db: Db, producerId: string, e: NewEvent, now: Date): Promise<CreatedEvent> {
  return db.transaction().execute(async (tx) => {
    const venueId = randomUUID();
    await tx.insertInto('venues').values({ id: venueId, producerId, name: e.venue.name, address: e.venue.address ?? '', timeZone: e.venue.timeZone }).execute();
    const eventId = randomUUID();
    await tx
      .insertInto('events')
      .values({
        id: eventId, producerId, slug: e.slug, title: e.title, description: e.description ?? '', isDemo: e.isDemo ?? false, published: true, createdAt: now,
        feePerTicketMinor: e.fees?.perTicketMinor ?? 0, feePerOrderMinor: e.fees?.perOrderMinor ?? 0, feeTaxRateBp: e.fees?.taxRateBp ?? 0,
      })
      .execute();
    const performances: CreatedEvent['performances'] = [];
    for (const p of e.performances) {
      const performanceId = randomUUID();
      await tx.insertInto('performances').values({ id: performanceId, eventId, venueId, startsAt: p.startsAt }).execute();
      const quotaIds: Record<string, string> = {};
      for (const q of p.quotas ?? []) {
        quotaIds[q.name] = randomUUID();
        await tx.insertInto('quotas').values({ id: quotaIds[q.name]!, performanceId, name: q.name, capacity: q.capacity }).execute();
      }
      const ticketTypeIds: string[] = [];
      for (const [sort, t] of p.ticketTypes.entries()) {
        const id = randomUUID();
        ticketTypeIds.push(id);
        const { capacity, quotas, ...type } = t;
        if (capacity === undefined && !quotas?.length) throw new Error(`ticket type ${t.name} draws on no quota: give it a capacity or quotas`);
        await tx.insertInto('ticketTypes').values({ id, performanceId, sort, ...type }).execute();
        if (capacity !== undefined) {
          // A ticket type's own limit is a quota with the same id (migration 012).
          await tx.insertInto('quotas').values({ id, performanceId, name: t.name, capacity }).execute();
          await tx.insertInto('ticketTypeQuotas').values({ ticketTypeId: id, quotaId: id }).execute();
        }
        for (const name of quotas ?? []) {
          const quotaId = quotaIds[name];
          if (!quotaId) throw new Error(`ticket type ${t.name} draws on an unknown quota ${name}`);
          await tx.insertInto('ticketTypeQuotas').values({ ticketTypeId: id, quotaId }).execute();
        }
      }
      performances.push({ id: performanceId, ticketTypeIds, quotaIds });
    }
    return { eventId, performances };
  });
}

export async function isEmpty(db: Db): Promise<boolean> {
  const row = await db.selectFrom('producers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n) === 0;
}

const DAY = 24 * 3600_000;

/** A start time a number of days ahead, at HH:30 UTC (19:30 in London, 19:30 in Berlin with utcHour 18, in winter). */
function eveningIn(days: number, now: Date, utcHour: number): Date {
  const d = new Date(now.getTime() + days * DAY);
  d.setUTCHours(utcHour, 30, 0, 0);
  return d;
}

export async function seedDemo(db: Db, passwords: PasswordHasher, login: { email: string; password: string }, now: Date): Promise<void> {
  const { producerId } = await createProducer(
    db, passwords,
    { name: 'Demo Playhouse', slug: 'demo-playhouse', isDemo: true, legal: { name: 'Demo Playhouse Ltd (demo)', address: '1 Example Street, London', vatId: 'GB000000000 (demo)' }, user: { email: login.email, name: 'Demo Producer', password: login.password } },
    now,
  );
  await createEvent(db, producerId, {
    slug: 'hamlet-demo', title: 'Hamlet (demo)', isDemo: true,
    description: 'A demo event: Shakespeare\'s tragedy in a new production. Tickets are not real.',
    venue: { name: 'Demo Playhouse Main Stage', address: '1 Example Street, London', timeZone: 'Europe/London' },
    fees: { perTicketMinor: 150, taxRateBp: 2000 },
    performances: [14, 15, 21].map((days) => ({
      startsAt: eveningIn(days, now, 19),
      ticketTypes: [
        { name: 'Adult', priceMinor: 2500, currency: 'GBP', capacity: 120, taxRateBp: 2000 },
        { name: 'Student', priceMinor: 1200, currency: 'GBP', capacity: 30, taxRateBp: 2000 },
      ],
    })),
  }, now);
  await createEvent(db, producerId, {
    slug: 'summer-jazz-night-demo', title: 'Summer Jazz Night (demo)', isDemo: true,
    description: 'A demo event: an evening of jazz in the courtyard. Tickets are not real.',
    venue: { name: 'Demo Courtyard', address: 'Beispielplatz 2, Berlin', timeZone: 'Europe/Berlin' },
    fees: { perOrderMinor: 100, taxRateBp: 1900 },
    performances: [{
      startsAt: eveningIn(30, now, 18),
      ticketTypes: [
        { name: 'General admission', priceMinor: 1800, currency: 'EUR', capacity: 200, taxRateBp: 700 },
        { name: 'VIP', priceMinor: 4500, currency: 'EUR', capacity: 20, taxRateBp: 700 },
      ],
    }],
  }, now);
}
