import { paymentMethodLabel } from '../domain/counter.ts';
import { toCsv } from '../domain/csv.ts';
import { type Result, fail, ok } from '../domain/errors.ts';
import { may } from '../domain/policy.ts';
import { localTimeWithOffset } from '../domain/time.ts';
import type { AppDeps } from './deps.ts';
import type { AttendeeRow, ExportLogEntry, ProducerEvent, SessionUser } from './ports.ts';
import { transact } from './transact.ts';

export type ExportFormat = 'csv' | 'xlsx';
export type ExportScope = { eventId: string } | 'all';

export interface AttendeeExport {
  filename: string;
  contentType: string;
  body: Buffer;
  rows: number;
}

/** The columns, in order; the header row of both formats. */
export const ATTENDEE_COLUMNS = [
  'Order code', 'Order status', 'Buyer name', 'Buyer email', 'Marketing consent', 'Event', 'Performance', 'Ticket type',
  'Ticket status', 'Attendee name', 'Checked in', 'Payment method', 'Checkout answers',
] as const;

function cells(r: AttendeeRow): string[] {
  return [
    r.orderCode, r.orderStatus, r.buyerName, r.buyerEmail ?? '', r.marketingConsent ? 'yes' : 'no', r.eventTitle,
    localTimeWithOffset(r.performanceStartsAt, r.timeZone), r.ticketTypeName, r.ticketStatus, r.attendeeName,
    r.checkedInAt ? localTimeWithOffset(r.checkedInAt, r.timeZone) : '', paymentMethodLabel(r.paymentProvider),
    r.answers,
  ];
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The buyers and attendees of the producer's own events (one row per ticket), as CSV or XLSX.
 * Another producer's event is "not found". The read and its audit entry (who, when, which event,
 * how many rows, which format; never a name or an address) commit together, or neither does.
 */
export async function exportAttendees(deps: AppDeps, user: SessionUser, scope: ExportScope, format: ExportFormat): Promise<Result<AttendeeExport>> {
  if (!may(user.role, 'attendees.export')) return fail('forbidden', 'Your role cannot export attendees.');
  const now = deps.clock.now();
  return transact(deps.store, async (tx) => {
    let event: ProducerEvent | null = null;
    if (scope !== 'all') {
      event = await tx.attendees.eventOf(user.producerId, scope.eventId);
      if (!event) return fail('not_found', 'There is no such event.');
    }
    const rows = (await tx.attendees.rows(user.producerId, event?.id ?? null)).map(cells);
    const body = format === 'csv'
      // A byte-order mark, so that Excel reads the names as UTF-8.
      ? Buffer.from(`\uFEFF${toCsv(ATTENDEE_COLUMNS, rows)}`, 'utf8')
      : await deps.spreadsheets.xlsx({ name: 'Attendees', header: ATTENDEE_COLUMNS, rows });
    // Last, so the audit chain's lock is held only for the moment before commit.
    await tx.audit.record({
      actorKind: 'producer_user', actorId: user.userId, producerId: user.producerId, action: 'attendees.export',
      subject: event ? `event:${event.id}` : `producer:${user.producerId}`, reason: 'attendee export from the producer workspace',
      detail: { event: event?.id ?? 'all', rows: rows.length, format }, at: now,
    });
    const day = now.toISOString().slice(0, 10);
    return ok({ filename: `attendees-${event ? event.slug : 'all-events'}-${day}.${format}`, contentType: CONTENT_TYPE[format], body, rows: rows.length });
  });
}

export interface ExportsOverview {
  events: ProducerEvent[];
  /** The producer's last exports, newest first: who, when, which event, how many rows, which format. */
  recent: { at: Date; userName: string; event: ProducerEvent | null; eventId: string; rows: number; format: string }[];
}

/** The exports page: the producer's events to export, and the audit trail's record of the last exports. */
export async function exportsOverview(deps: AppDeps, user: SessionUser, limit = 20): Promise<Result<ExportsOverview>> {
  if (!may(user.role, 'attendees.export')) return fail('forbidden', 'Your role cannot export attendees.');
  const events = await deps.store.attendees.eventsOf(user.producerId);
  const byId = new Map(events.map((e) => [e.id, e]));
  const recent = (await deps.store.attendees.recentExports(user.producerId, limit)).map((e: ExportLogEntry) => {
    const d = JSON.parse(e.detail) as { event?: string; rows?: number; format?: string };
    const eventId = d.event ?? 'all';
    return {
      at: e.at, userName: e.userName ?? `user ${e.userId ?? 'unknown'}`, eventId, event: byId.get(eventId) ?? null,
      rows: d.rows ?? 0, format: d.format ?? '',
    };
  });
  return ok({ events, recent });
}
