/**
 * The port of the producer's event management (issue 6 §2): venues, events, performances, quotas
 * and ticket types. Every method names the producer, and a resource of another producer is
 * "not there" (null, false or an empty list). Re-exported by ports.ts.
 */

export interface VenueFields { name: string; address: string; timeZone: string }
export interface VenueRecord extends VenueFields { id: string }

export interface EventFields {
  slug: string; title: string; description: string;
  feePerTicketMinor: number; feePerOrderMinor: number; feeTaxRateBp: number;
}
export interface EventRecord extends EventFields { id: string; published: boolean; createdAt: Date }
/** An event in the producer's list, with how many of its performances are not cancelled. */
export interface EventListing extends EventRecord { performances: number }

export interface PerformanceRecord {
  id: string; eventId: string; eventTitle: string; venueId: string; venueName: string; timeZone: string;
  startsAt: Date; cancelledAt: Date | null; ticketTypes: number;
}

export interface QuotaFields { name: string; capacity: number }
export interface QuotaRecord extends QuotaFields { id: string; performanceId: string }

export interface TicketTypeFields {
  name: string; priceMinor: number; currency: string; taxRateBp: number; taxInclusive: boolean;
  salesOpensAt: Date | null; salesClosesAt: Date | null; minPerOrder: number; maxPerOrder: number;
}
export interface TicketTypeRecord extends TicketTypeFields { id: string; performanceId: string; sort: number; quotaIds: string[] }

export interface EventAdminRepo {
  venues(producerId: string): Promise<VenueRecord[]>;
  venue(producerId: string, venueId: string): Promise<VenueRecord | null>;
  insertVenue(producerId: string, id: string, v: VenueFields): Promise<void>;
  updateVenue(producerId: string, venueId: string, v: VenueFields): Promise<boolean>;

  events(producerId: string): Promise<EventListing[]>;
  event(producerId: string, eventId: string): Promise<EventRecord | null>;
  /** Locks the event row for the rest of the transaction (publishing, copying, adding performances). */
  lockEvent(producerId: string, eventId: string): Promise<EventRecord | null>;
  /** Slugs are unique across producers (they are the storefront's addresses). */
  slugTaken(slug: string, exceptEventId: string | null): Promise<boolean>;
  /** False when the slug was taken meanwhile (nothing inserted). */
  insertEvent(producerId: string, id: string, e: EventFields, now: Date): Promise<boolean>;
  updateEvent(producerId: string, eventId: string, e: EventFields): Promise<boolean>;
  setPublished(producerId: string, eventId: string, published: boolean): Promise<boolean>;
  /** Performances that start after `now`, are not cancelled, and have at least one ticket type. */
  sellablePerformances(producerId: string, eventId: string, now: Date): Promise<number>;

  performances(producerId: string, eventId: string): Promise<PerformanceRecord[]>;
  performance(producerId: string, performanceId: string): Promise<PerformanceRecord | null>;
  insertPerformance(id: string, eventId: string, venueId: string, startsAt: Date): Promise<void>;

  quotas(producerId: string, performanceId: string): Promise<QuotaRecord[]>;
  insertQuota(id: string, performanceId: string, q: QuotaFields): Promise<void>;
  /** 'in_use' (nothing changed) when the capacity would fall below what is sold and held. */
  updateQuota(producerId: string, quotaId: string, q: QuotaFields): Promise<QuotaRecord | null | 'in_use'>;

  ticketTypes(producerId: string, performanceId: string): Promise<TicketTypeRecord[]>;
  insertTicketType(id: string, performanceId: string, t: TicketTypeFields, quotaIds: readonly string[]): Promise<void>;
  /** Replaces the fields and the quotas it draws on. */
  /** 'in_use' (nothing changed) when the quotas would change for a type that has been held: the counters hold what each hold took. */
  updateTicketType(producerId: string, ticketTypeId: string, t: TicketTypeFields, quotaIds: readonly string[]): Promise<TicketTypeRecord | null | 'in_use'>;

}
