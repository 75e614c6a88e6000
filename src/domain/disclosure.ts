import { createHash } from 'node:crypto';

/** What a disclosure may contain: a fixed list, so a request can name only these. */
export const DISCLOSURE_FIELDS = [
  'order_code', 'order_status', 'ordered_at', 'buyer_name', 'buyer_email', 'event', 'performance', 'tickets', 'payments', 'payment_outcome',
  'client_ip', 'client_network',
] as const;
export type DisclosureField = (typeof DISCLOSURE_FIELDS)[number];

export const FIELD_LABELS: Readonly<Record<DisclosureField, string>> = {
  order_code: 'Order code', order_status: 'Order status', ordered_at: 'Order date and time', buyer_name: "Buyer's name",
  buyer_email: "Buyer's email", event: 'Event and producer', performance: 'Performance date', tickets: 'Tickets (type, status, attendee name)',
  payments: 'Payments (provider, status, amount)', payment_outcome: 'Payment outcome',
  client_ip: 'IP address the order came from', client_network: "The IP address's network (ASN and ISP)",
};

/** A fraud-agency report is narrower: the order, its IP and ISP, and the payment outcome only. */
export const FRAUD_AGENCY_FIELDS: readonly DisclosureField[] = ['order_code', 'ordered_at', 'payment_outcome', 'client_ip', 'client_network'];

export type DisclosureKind = 'authority' | 'fraud_agency';
export type DisclosureStatus = 'pending' | 'approved' | 'rejected';

export interface DisclosureScope {
  orderIds: string[];
  /** SHA-256 (hex) of each lower-cased buyer email named by the request. */
  emailHashes: string[];
  fields: DisclosureField[];
  /** Orders placed from `from` (inclusive) to `to` (exclusive). */
  from: Date;
  to: Date;
}

/**
 * How long an approved request keeps its subjects' orders from erasure and retention (a legal hold
 * placed with the approval): long enough to export and for the authority to follow up.
 */
export const DISCLOSURE_HOLD_DAYS = 180;

export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/** "•••@example.org": the domain tells support which provider; the person stays hidden. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '•••' : `•••${email.slice(at)}`;
}

/** One order as the export holds it, with every field the system could give; the package keeps only the scope's. */
export interface DisclosableOrder {
  orderId: string; producerId: string; orderCode: string; orderStatus: string; orderedAt: Date; buyerName: string; buyerEmail: string | null;
  eventTitle: string; producerName: string; performanceStartsAt: Date;
  /** Null once retention has cleared them (RETENTION_IP_DAYS) or when they were never recorded. */
  clientIp: string | null; clientAsn: number | null; clientOrg: string | null;
  tickets: { ticketType: string; status: string; attendeeName: string }[];
  payments: { provider: string; status: string; amountMinor: number; currency: string }[];
}

export interface DisclosureManifest {
  requestId: string; kind: DisclosureKind; authority: string; legalBasis: string; reference: string;
  scope: { orderIds: string[]; emailHashes: string[]; fields: DisclosureField[]; from: string; to: string };
  counts: { orders: number; tickets: number; payments: number };
  generatedAt: string;
}

/** The payment outcome a fraud check needs: the most telling status among the order's payments. */
function paymentOutcome(o: DisclosableOrder): string {
  const order = ['paid', 'partially_refunded', 'refunded', 'failed', 'expired', 'pending', 'created'];
  const statuses = o.payments.map((p) => p.status).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return statuses[0] ?? 'none';
}

/** Only the fields in scope, by name; nothing else of the order leaves. */
export function scopedRecord(o: DisclosableOrder, fields: readonly DisclosureField[]): Record<string, unknown> {
  const all: Record<DisclosureField, unknown> = {
    order_code: o.orderCode, order_status: o.orderStatus, ordered_at: o.orderedAt.toISOString(), buyer_name: o.buyerName,
    buyer_email: o.buyerEmail, event: { title: o.eventTitle, producer: o.producerName }, performance: o.performanceStartsAt.toISOString(),
    tickets: o.tickets, payments: o.payments, payment_outcome: paymentOutcome(o),
    client_ip: o.clientIp, client_network: o.clientAsn === null && o.clientOrg === null ? null : { asn: o.clientAsn, isp: o.clientOrg },
  };
  return Object.fromEntries(DISCLOSURE_FIELDS.filter((f) => fields.includes(f)).map((f) => [f, all[f]]));
}

/** The export package: its bytes and their SHA-256, which the audit trail keeps. */
export function disclosurePackage(manifest: Omit<DisclosureManifest, 'counts'>, orders: readonly DisclosableOrder[]): { body: string; sha256: string; manifest: DisclosureManifest } {
  const fields = manifest.scope.fields;
  const full: DisclosureManifest = {
    ...manifest,
    counts: {
      orders: orders.length,
      tickets: fields.includes('tickets') ? orders.reduce((n, o) => n + o.tickets.length, 0) : 0,
      payments: fields.includes('payments') ? orders.reduce((n, o) => n + o.payments.length, 0) : 0,
    },
  };
  const body = `${JSON.stringify({ manifest: full, records: orders.map((o) => scopedRecord(o, fields)) }, null, 2)}\n`;
  return { body, sha256: createHash('sha256').update(body).digest('hex'), manifest: full };
}
