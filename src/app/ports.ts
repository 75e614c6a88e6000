import type { EventAdminRepo } from './eventPorts.ts';
import type { KeyObject } from 'node:crypto';
import type { OrderStatus } from '../domain/order.ts';
import type { PaymentStatus } from '../domain/payment.ts';
import type { FeePolicy, OrderPricing } from '../domain/pricing.ts';
import type { Money } from '../domain/money.ts';
import type { DisclosableOrder, DisclosureKind, DisclosureScope, DisclosureStatus } from '../domain/disclosure.ts';
import type { FlagReason, RecentActivity } from '../domain/fraud.ts';
import type { SaleState } from '../domain/hold.ts';
import type { PlacedSeat, SeatSpec } from '../domain/seating.ts';
import type { WaitingRoom } from '../domain/waitingRoom.ts';
import type { QuestionKind } from '../domain/question.ts';
import type { VoucherRule } from '../domain/voucher.ts';

/** Everything the use cases need from the outside world. Adapters implement these; use cases know nothing else. */

export interface Clock {
  now(): Date;
}

// ---------- read models ----------

export interface VenueView { id: string; name: string; address: string; timeZone: string }
export interface TicketTypeView {
  id: string; name: string; price: Money;
  /** What a buyer can hold now: the least room left in any of the type's quotas. */
  available: number;
  salesOpensAt: Date | null; salesClosesAt: Date | null; minPerOrder: number; maxPerOrder: number;
  /** Whether it can be held now, by its sales window. */
  saleState: SaleState;
}
export interface PerformanceView {
  id: string; number: number; startsAt: Date; venue: VenueView; ticketTypes: TicketTypeView[];
}
export interface EventSummary {
  id: string; slug: string; title: string; producerName: string; isDemo: boolean;
  nextPerformance: { startsAt: Date; venueName: string; timeZone: string } | null;
  performanceCount: number;
}
export interface EventDetail {
  id: string; slug: string; title: string; description: string; isDemo: boolean;
  producerId: string; producerName: string; performances: PerformanceView[];
}
export interface PerformanceContext {
  id: string; number: number; startsAt: Date; cancelledAt: Date | null; producerId: string; producerName: string;
  eventId: string; eventTitle: string; eventSlug: string; venue: VenueView; fees: FeePolicy;
  /** Whether the event is on the storefront. */
  published: boolean;
}
export interface HoldLine { ticketTypeId: string; ticketTypeName: string; quantity: number; unitPrice: Money; taxRateBp: number; taxInclusive: boolean }
export interface Hold {
  id: string; performanceId: string; status: 'active' | 'converted' | 'released' | 'expired';
  createdAt: Date; expiresAt: Date; lines: HoldLine[];
}
export interface TicketTypeRow {
  id: string; performanceId: string; name: string; priceMinor: number; currency: string; taxRateBp: number; taxInclusive: boolean;
  salesOpensAt: Date | null; salesClosesAt: Date | null; minPerOrder: number; maxPerOrder: number;
  /** The quotas this type draws on; a hold of it takes a place from each. */
  quotaIds: string[];
  /** A seated type's zone of the venue's seat map: sold only with seats (ADR 0011). */
  zone: string | null;
}
/** One quota's counters: capacity − sold − held is what is left. */
export interface QuotaCount { quotaId: string; name: string; capacity: number; sold: number; held: number }
/** One quota checked against the rows (inventoryAudit): counters, and the same numbers counted from rows. */
export interface QuotaAudit extends QuotaCount {
  available: number;
  /** Valid tickets of the types drawing on it; places of active holds (expired or not, until swept); of live ones. */
  soldFromRows: number; heldFromRows: number; liveHeldFromRows: number;
}
export interface NewHold { id: string; performanceId: string; createdAt: Date; expiresAt: Date }
export interface NewHoldItem { ticketTypeId: string; quantity: number; unitPrice: Money; taxRateBp: number; taxInclusive: boolean }
/** One hold to place: the hold, its lines, and what it takes from each quota. */
export interface HoldRequest { hold: NewHold; items: readonly NewHoldItem[]; takes: readonly { quotaId: string; quantity: number }[] }

export interface OrderRecord {
  id: string; code: string; producerId: string; performanceId: string; holdId: string; status: OrderStatus;
  /** '' when a counter buyer gave no name; buyerEmail null when they gave no address (migration 019). */
  buyerName: string; buyerEmail: string | null; marketingConsent: boolean; createdAt: Date; paidAt: Date | null;
  /** The producer user who sold it at the counter; null for an order placed online. */
  soldBy: string | null;
  /** What the buyer pays, with its tax; the fee is gross, inclusive of its tax. */
  total: Money; net: Money; tax: Money; fee: Money; feeTax: Money; feeTaxRateBp: number; feePerTicket: Money;
  /** What a discount code took off (tax included), and the code; 0 and null without one. */
  discount: Money; voucherCode: string | null;
}
/** An order line as priced at checkout. */
export interface OrderLine {
  ticketTypeId: string; ticketTypeName: string; quantity: number; unitPrice: Money; unitGross: Money;
  taxRateBp: number; taxInclusive: boolean; net: Money; tax: Money; gross: Money;
  /** What a discount code took off this line, tax included; `gross` is after it. */
  discount: Money;
}
export interface TicketRecord {
  id: string; orderId: string; performanceId: string; ticketTypeId: string; ticketTypeName: string;
  attendeeName: string; status: 'valid' | 'void';
}
export interface PaymentRecord {
  id: string; orderId: string; provider: string; providerRef: string | null;
  status: PaymentStatus; amount: Money; refunded: Money; createdAt: Date; updatedAt: Date;
  /** A counter card payment's terminal reference (never card data); null otherwise. */
  terminalRef: string | null;
}
export interface PaymentIssue { id: string; paymentId: string; orderCode: string; kind: string; detail: string; createdAt: Date }
export interface ProducerOrderRow {
  id: string; code: string; status: OrderStatus; performanceId: string; buyerName: string; buyerEmail: string | null; marketingConsent: boolean;
  total: Money; createdAt: Date; eventTitle: string; performanceStartsAt: Date; timeZone: string; ticketCount: number;
  /** The provider of the order's latest payment (a counter method or an online provider); null without one. */
  paymentProvider: string | null;
}
export interface TicketForDoor {
  id: string; status: 'valid' | 'void'; producerId: string; performanceId: string; eventId: string;
  attendeeName: string; ticketTypeName: string; checkedInAt: Date | null;
}
export interface UserRecord { id: string; producerId: string; email: string; name: string; role: string; passwordHash: string }
/** `verified`: the user's email address is verified (ADR 0013: an unverified account may not reach people outside the team). */
export interface SessionUser { userId: string; producerId: string; producerName: string; name: string; role: string; verified: boolean }
export interface DoorPerformance { id: string; eventTitle: string; startsAt: Date; timeZone: string; cancelledAt: Date | null }

export type * from './eventPorts.ts';

// ---------- repositories (each bound to one transaction or to the pool) ----------

export interface CatalogRepo {
  listUpcomingEvents(now: Date): Promise<EventSummary[]>;
  eventBySlug(slug: string, now: Date): Promise<EventDetail | null>;
  performanceContext(performanceId: string): Promise<PerformanceContext | null>;
  /** Marks the performance cancelled (once) and releases its live holds; returns false if it already was. */
  cancelPerformance(performanceId: string, now: Date): Promise<boolean>;
  ordersOfPerformance(performanceId: string): Promise<OrderRecord[]>;
  /** The performance's ticket types with what is left at `now`, published or not (the counter sells both). */
  ticketTypesOf(performanceId: string, now: Date): Promise<(TicketTypeView & { taxRateBp: number; taxInclusive: boolean })[]>;
}

/**
 * Places on quotas (ADR 0010). Every counter change happens in the statement or transaction that
 * changes the row justifying it: a hold's insert or its leaving 'active', a ticket's insert or void.
 */
export interface InventoryRepo {
  /**
   * What a hold checks, in one read: the performance (null when there is none), whether its event's
   * waiting room is on, and its ticket types among `ids`, with their sales rules and quotas.
   */
  holdContext(performanceId: string, ids: readonly string[]): Promise<{
    startsAt: Date; cancelledAt: Date | null; eventId: string; eventSlug: string; published: boolean; waitingRoom: boolean; types: TicketTypeRow[];
  } | null>;
  /**
   * THE hold, one atomic statement: takes `takes` from the quotas' counters only if every one has room,
   * and then records the hold. Returns the quotas that had no room (then nothing changed), with their counters.
   */
  reserveHold(hold: NewHold, items: readonly NewHoldItem[], takes: readonly { quotaId: string; quantity: number }[]): Promise<{ short: QuotaCount[] }>;
  /**
   * Group commit (ADR 0010): several holds in ONE transaction. Locks their quotas in id order, reads the
   * counters, decides each hold in the given order (it takes its places only if every quota it draws on
   * has room after the holds before it), changes each quota's counter once and records the placed holds.
   * Returns, per request, the quotas that had no room for it (then it took nothing), as seen at its turn.
   */
  reserveHolds(requests: readonly HoldRequest[]): Promise<{ short: QuotaCount[] }[]>;
  /** Ends an active hold as 'converted' without touching the counters (settleSale moves them); false if it was not active. */
  convertHold(holdId: string): Promise<boolean>;
  /**
   * A sale's counters in one update, meant for the end of the payment transaction so that the quota rows
   * stay locked briefly: gives back the places of `convertedHoldId` (a hold convertHold ended; null when
   * the places were taken afresh) and counts `ticketTypeIds` (one per ticket created with `countLater`) as sold.
   */
  settleSale(convertedHoldId: string | null, ticketTypeIds: readonly string[]): Promise<void>;
  /** Moves an active hold to `status` and gives its places back, exactly once; false if it was not active. */
  endHold(holdId: string, status: 'released' | 'expired' | 'converted'): Promise<boolean>;
  /** Releases (as 'expired') up to `limit` active holds whose expiry has passed, skipping any another transaction has locked. */
  expireHolds(now: Date, limit: number, performanceId?: string): Promise<number>;
  /** Releases every active hold of the performance (it was cancelled). */
  releasePerformanceHolds(performanceId: string): Promise<number>;
  /** Locks (in id order) and reads the counters of the quotas these ticket types draw on. */
  lockQuotasOf(ticketTypeIds: readonly string[]): Promise<{ quotas: QuotaCount[]; quotasOf: Map<string, string[]> }>;
  /**
   * The quotas of the given ticket types (no lock), for showing availability: `held` counts live holds
   * only, as placeHold ends expired ones before it says "sold out".
   */
  quotaCounts(ticketTypeIds: readonly string[], now: Date): Promise<{ quotas: QuotaCount[]; quotasOf: Map<string, string[]> }>;
  /** Every quota of the performance, its counters and the same numbers from the rows. */
  audit(performanceId: string, now: Date): Promise<QuotaAudit[]>;
}

export interface HoldRepo {
  get(id: string): Promise<Hold | null>;
  /** Marks an ended hold (released or expired, so holding nothing) as converted: a late payment bought its places anew. */
  markConverted(id: string): Promise<void>;
}

export interface NewOrder {
  id: string; code: string; producerId: string; performanceId: string; holdId: string;
  buyerName: string; buyerEmail: string | null; marketingConsent: boolean; createdAt: Date;
  pricing: OrderPricing; fees: FeePolicy;
  /** The producer user who sells it at the counter (omitted online). */
  soldBy?: string;
  voucherCode?: string | null;
  /** Where the buyer checked out from, and the fraud flags raised (online orders; as FraudRepo.recordOrderClient). */
  client?: { ip: string; network: IpNetwork | null; flags: FlagReason[] };
}
/** A hold's claim on one seat, for the sale (SeatRepo.keepHoldSeats). */
export interface SeatClaimRef { id: string; ticketTypeId: string }

export interface OrderRepo {
  /** The order and its lines, in one statement; returns the order as stored. */
  create(order: NewOrder): Promise<OrderRecord>;
  byHold(holdId: string): Promise<OrderRecord | null>;
  byId(id: string, opts?: { forUpdate?: boolean }): Promise<OrderRecord | null>;
  updateBuyer(id: string, buyer: { buyerName: string; buyerEmail: string; marketingConsent: boolean }): Promise<void>;
  setStatus(id: string, status: OrderStatus, paidAt?: Date): Promise<void>;
  lines(orderId: string): Promise<OrderLine[]>;
  /** Always scoped by the producer: a producer reads only its own orders. */
  listForProducer(producerId: string): Promise<ProducerOrderRow[]>;
  /**
   * The producer's orders whose buyer name or email contains `text` (case-insensitive), or whose code
   * starts with `codePrefix`; newest first, `limit` from `offset`. Scoped by the producer in the query.
   */
  searchForProducer(producerId: string, q: { text: string; codePrefix: string | null; limit: number; offset: number }): Promise<ProducerOrderRow[]>;
}

export interface PaymentRepo {
  create(p: { id: string; orderId: string; provider: string; amount: Money; createdAt: Date; terminalRef?: string | null }): Promise<void>;
  attachProviderRef(id: string, providerRef: string, now: Date): Promise<void>;
  byProviderRef(provider: string, providerRef: string): Promise<PaymentRecord | null>;
  byId(id: string, opts?: { forUpdate?: boolean }): Promise<PaymentRecord | null>;
  forOrder(orderId: string): Promise<PaymentRecord[]>;
  setStatus(id: string, status: PaymentStatus, now: Date, refunded?: Money): Promise<void>;
  /** Payments the reconciliation job should ask the provider about: created or pending, untouched since `before`. */
  unsettled(before: Date, limit: number): Promise<PaymentRecord[]>;
  /** Money kept for an order that has no tickets (expired or cancelled): to be refunded. */
  paidWithoutTickets(limit: number): Promise<PaymentRecord[]>;
  /** Records one provider refund (once per key) and returns the payment's refunded total after it. */
  recordRefund(r: { id: string; paymentId: string; idempotencyKey: string; providerRefundRef: string; amount: Money; createdAt: Date }): Promise<Money>;
  recordIssue(i: { id: string; producerId: string; paymentId: string; kind: string; detail: string; createdAt: Date }): Promise<void>;
  openIssues(producerId: string): Promise<PaymentIssue[]>;
  /** True the first time a provider event id is seen, false on every repeat. */
  recordEvent(provider: string, eventId: string, now: Date): Promise<boolean>;
}

export interface TicketRepo {
  /** Issues tickets; each one counts as sold on every quota its type draws on (the caller has checked the room). */
  /** With `countLater`, the sold counters are left to the caller's `inventory.settleSale` in the same transaction. */
  createMany(tickets: { id: string; orderId: string; performanceId: string; ticketTypeId: string; attendeeName: string; createdAt: Date }[], opts?: { countLater?: boolean }): Promise<void>;
  /** Voids the order's valid tickets (all, or those listed), giving their places back; returns the ids it voided. */
  voidTickets(orderId: string, ticketIds: readonly string[] | null): Promise<string[]>;
  byOrder(orderId: string): Promise<TicketRecord[]>;
  forDoor(ticketId: string): Promise<TicketForDoor | null>;
  /** Sets the attendee's name on one valid ticket of this order; false when the order has no such valid ticket. */
  renameAttendee(orderId: string, ticketId: string, attendeeName: string): Promise<boolean>;
}

export interface CheckInRepo {
  /** Records the first accepted scan; returns the earlier time when the ticket was already in. */
  checkIn(c: { id: string; ticketId: string; performanceId: string; userId: string; at: Date }): Promise<{ first: true } | { first: false; checkedInAt: Date }>;
}

export interface MailRepo {
  enqueue(m: { id: string; producerId: string; orderId: string; kind: string; createdAt: Date }): Promise<void>;
  /** Takes up to `limit` due mails for this dispatcher (queued, or claimed long ago by one that died). */
  claimDue(limit: number, now: Date): Promise<{ id: string; orderId: string; kind: string; attempts: number }[]>;
  markSent(id: string, at: Date): Promise<void>;
  markFailed(id: string, error: string, giveUp: boolean): Promise<void>;
}

export interface AccountRepo {
  userByEmail(email: string): Promise<UserRecord | null>;
  createSession(s: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  sessionUser(tokenHash: string, now: Date): Promise<SessionUser | null>;
  deleteSession(tokenHash: string): Promise<void>;
  doorPerformances(producerId: string, now: Date): Promise<DoorPerformance[]>;
  /** Replaces the user's password hash if it is still `previous` (a re-hash at log-in never overwrites a newer password). */
  replacePasswordHash(userId: string, previous: string, next: string): Promise<void>;
}

/** One access to personal data, for the audit trail (DOMAIN.md: every staff read, export, disclosure, erasure). */
export interface AuditEntryInput {
  actorKind: 'producer_user' | 'platform_staff' | 'buyer' | 'system';
  actorId: string | null;
  producerId: string | null;
  /** What was done, e.g. 'order.view', 'attendees.export', 'disclosure.export', 'buyer.erase'. */
  action: string;
  /** Whose data: an order id, or another subject reference. Never a name or an email. */
  subject: string;
  reason: string;
  detail?: Record<string, string | number | boolean | null>;
  at: Date;
}
export interface AuditEntry extends Omit<AuditEntryInput, 'detail'> { seq: number; id: string; detail: string; prevHash: string; hash: string }
export interface AuditLog {
  /** Appends one entry to the hash chain, in the caller's transaction. */
  record(entry: AuditEntryInput): Promise<void>;
  /** Entries in order, from `afterSeq`, to verify the chain or to show them. */
  entries(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  forProducer(producerId: string, limit: number): Promise<AuditEntry[]>;
  /** The last entry's seq and hash as audit_head records them (0 and 'genesis' before the first). */
  head(): Promise<{ seq: number; hash: string }>;
}
export interface ReceiptRecord {
  id: string; producerId: string; orderId: string; kind: ReceiptDocument['kind']; number: number; formatted: string;
  issuedAt: Date; gross: Money; refersTo: string | null; content: ReceiptContent;
}
/** What a receipt or credit note says, fixed when it is issued. No buyer data: that comes from the order. */
export type ReceiptContent = Pick<ReceiptDocument, 'seller' | 'lines' | 'taxByRate' | 'net' | 'tax' | 'gross'>;
export interface ReceiptRepo {
  /**
   * Issues a receipt or credit note with the producer's next number of that kind (R-000001, CN-000001).
   * Call it in the transaction that makes the document due, late in it: the producer's counter stays
   * locked until that transaction ends, and a rollback gives the number back, so there is never a gap.
   */
  issue(r: {
    id: string; producerId: string; orderId: string; kind: ReceiptDocument['kind']; gross: Money; issuedAt: Date; refersTo?: string;
    content: ReceiptContent;
  }): Promise<{ number: number; formatted: string }>;
  forOrder(orderId: string): Promise<ReceiptRecord[]>;
  /** The seller as a receipt names it; the display name when no legal name is set. Null for an unknown producer. */
  legalDetails(producerId: string): Promise<ReceiptDocument['seller'] | null>;
}

export interface StaffRecord { id: string; email: string; name: string; role: 'support' | 'admin'; passwordHash: string }
export interface StaffMember { staffId: string; name: string; role: 'support' | 'admin' }
export interface StaffRepo {
  create(s: { id: string; email: string; name: string; role: 'support' | 'admin'; passwordHash: string; createdAt: Date }): Promise<boolean>;
  byEmail(email: string): Promise<StaffRecord | null>;
  createSession(s: { tokenHash: string; staffId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  sessionStaff(tokenHash: string, now: Date): Promise<StaffMember | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Replaces the staff member's password hash if it is still `previous`. */
  replacePasswordHash(staffId: string, previous: string, next: string): Promise<void>;
}

export interface SupportRequestRow { id: string; reference: string; producerName: string; eventTitle: string; status: 'open' | 'closed'; createdAt: Date }
export interface SupportRequestRecord { id: string; reference: string; orderId: string; producerId: string; message: string; status: 'open' | 'closed'; createdAt: Date }
export interface SupportRepo {
  create(r: { id: string; reference: string; orderId: string; producerId: string; message: string; createdAt: Date }): Promise<void>;
  /** The open requests, without anything personal: reference, producer, event, date. */
  listOpen(limit: number): Promise<SupportRequestRow[]>;
  byId(id: string): Promise<SupportRequestRecord | null>;
  byReference(reference: string): Promise<SupportRequestRecord | null>;
  close(id: string): Promise<void>;
  /** What buyers wrote to support about these orders (for the buyer's own data export). */
  forOrders(orderIds: readonly string[]): Promise<SupportRequestRecord[]>;
}

export interface DisclosureRequestRecord {
  id: string; kind: DisclosureKind; authority: string; legalBasis: string; reference: string; scope: DisclosureScope; notifyAllowed: boolean;
  status: DisclosureStatus; recordedBy: string; recordedByName: string; recordedAt: Date;
  decidedBy: string | null; decidedByName: string | null; decidedAt: Date | null; decisionNote: string | null;
  lastExportHash: string | null; lastExportedAt: Date | null;
}
export interface DisclosureRepo {
  create(r: { id: string; kind: DisclosureKind; authority: string; legalBasis: string; reference: string; scope: DisclosureScope; notifyAllowed: boolean; recordedBy: string; recordedAt: Date }): Promise<void>;
  byId(id: string, opts?: { forUpdate?: boolean }): Promise<DisclosureRequestRecord | null>;
  list(limit: number): Promise<DisclosureRequestRecord[]>;
  decide(id: string, d: { status: 'approved' | 'rejected'; decidedBy: string; decidedAt: Date; note: string }): Promise<void>;
  recordExport(id: string, sha256: string, at: Date): Promise<void>;
  /** The orders the scope names (by id or by the buyer email's hash) placed within its dates; nothing else. */
  ordersInScope(scope: DisclosureScope): Promise<DisclosableOrder[]>;
}

/** Network data kept for fraud checks (IP, ISP, ASN), by column name; empty when the box office records none. */
export type NetworkData = Record<string, string | number | null>;
/** Everything held about one order of a data subject, as the buyer's export shows it. */
export interface SubjectOrder {
  order: OrderRecord; producerName: string; eventTitle: string; performanceStartsAt: Date; timeZone: string; venueName: string;
  lines: OrderLine[]; tickets: TicketRecord[]; payments: PaymentRecord[]; network: NetworkData;
  /** Answers to the producer's checkout questions, with their purposes. */
  answers: QuestionAnswer[];
}
export interface LegalHold {
  id: string; subjectRef: string | null; orderId: string | null; reason: string; placedBy: string; createdAt: Date; until: Date | null;
}
export interface SubjectMail { id: string; email: string; kind: string; linkExpiresAt: Date; attempts: number }
export interface AnonymisedCounts { orders: number; tickets: number; outboxMails: number; subjectMails: number }
export interface DataSubjectRepo {
  /**
   * The orders of one buyer, by email, across producers. The one read of buyer data that is not scoped
   * by producer: the buyer has proved they hold the address, and the data is their own.
   */
  ordersOf(email: string, opts?: { forUpdate?: boolean }): Promise<OrderRecord[]>;
  details(orders: readonly OrderRecord[]): Promise<SubjectOrder[]>;
  /** Corrects the buyer's name and email on these orders; attendee names equal to the old buyer name follow. */
  correct(orderIds: readonly string[], from: { name: string }, to: { name: string; email: string }): Promise<void>;
  /**
   * Replaces the personal data of these orders everywhere it is kept (orders, tickets, network data,
   * mail sent about them or to the given addresses); amounts, statuses and ids stay for accounting.
   */
  anonymise(orderIds: readonly string[], emails: readonly string[]): Promise<AnonymisedCounts>;
  /** Sets marketing consent to no; returns how many orders said yes before. */
  withdrawConsent(orderIds: readonly string[]): Promise<number>;
  placeLegalHold(h: LegalHold): Promise<void>;
  /** Holds in force at `now` on any of these subjects or orders. */
  legalHolds(subjectRefs: readonly string[], orderIds: readonly string[], now: Date): Promise<LegalHold[]>;
  enqueueMail(m: { id: string; email: string; subjectRef: string; kind: string; linkExpiresAt: Date; createdAt: Date }): Promise<void>;
  /** How many mails to this subject were queued since `since` (to throttle link requests). */
  mailsSince(subjectRef: string, since: Date): Promise<number>;
  claimDueMails(limit: number, now: Date): Promise<SubjectMail[]>;
  /** Marks the mail sent and forgets the address. */
  markMailSent(id: string, at: Date): Promise<void>;
  markMailFailed(id: string, error: string, giveUp: boolean): Promise<void>;
}
export interface RetentionRepo {
  /** Nulls every IP, ISP and ASN column that exists, on rows created before `before`; names the columns it found. */
  clearNetworkData(before: Date): Promise<{ columns: string[]; rows: number }>;
  /** Orders not yet anonymised whose event's last performance started before `before`. */
  ordersOfEventsEndedBefore(before: Date): Promise<{ orderId: string; email: string | null }[]>;
  /** Orders of holds that expired before `before` without being converted; `moneyMoved` when a payment was ever paid or refunded. */
  abandonedOrders(before: Date): Promise<{ orderId: string; email: string | null; moneyMoved: boolean }[]>;
  /** Deletes orders that no money ever moved for, with their lines, payments, mail and holds. */
  deleteUnpaidOrders(orderIds: readonly string[]): Promise<number>;
  /** Deletes holds that expired before `before`, were never converted and have no order. */
  deleteAbandonedHolds(before: Date): Promise<number>;
  /** Deletes mail sent (or given up) before `before`: the order outbox, the subject outbox and the dev outbox. */
  deleteOldMail(before: Date): Promise<{ outbox: number; subjectMails: number; devOutbox: number; resetTokens: number }>;
}

export interface Repos {
  catalog: CatalogRepo;
  inventory: InventoryRepo;
  holds: HoldRepo;
  orders: OrderRepo;
  payments: PaymentRepo;
  tickets: TicketRepo;
  checkIns: CheckInRepo;
  mails: MailRepo;
  accounts: AccountRepo;
  audit: AuditLog;
  receipts: ReceiptRepo;
  staff: StaffRepo;
  support: SupportRepo;
  disclosures: DisclosureRepo;
  fraud: FraudRepo;
  subjects: DataSubjectRepo;
  retention: RetentionRepo;
  attendees: AttendeeRepo;
  mailings: MailingRepo;
  sales: SalesRepo;
  credentials: CredentialRepo;
  waitingRooms: WaitingRoomRepo;
  eventAdmin: EventAdminRepo;
  seats: SeatRepo;
  team: TeamRepo;
  passkeys: PasskeyRepo;
  vouchers: VoucherRepo;
  questions: QuestionRepo;
}

// ---------- sales dashboard (counts only, no buyer data) ----------

/** Valid tickets sold on one local day (YYYY-MM-DD in the dashboard's time zone). */
export interface SalesDay { day: string; tickets: number }
/** One ticket type of one performance; sold = its valid tickets, held = its places in live holds at `now`. */
export interface TicketTypeSales {
  performanceId: string; eventTitle: string; startsAt: Date; timeZone: string; cancelledAt: Date | null;
  ticketTypeId: string; ticketTypeName: string; sold: number; held: number; quotaIds: string[];
}
/** One quota, counted from the rows: valid tickets and live holds (at `now`) of the types drawing on it. */
export interface QuotaSales { quotaId: string; performanceId: string; name: string; capacity: number; sold: number; held: number }
/** Check-ins of one performance: valid tickets, and how many of them have been scanned in. */
export interface CheckInProgress { performanceId: string; eventTitle: string; startsAt: Date; timeZone: string; valid: number; checkedIn: number }
export interface SalesRepo {
  /** The time zone most of the producer's venues are in (null without venues). */
  timeZoneOf(producerId: string): Promise<string | null>;
  /** When the producer's earliest ticket that is still valid was issued (null before the first sale). */
  firstSaleAt(producerId: string): Promise<Date | null>;
  /** Valid tickets issued since `since`, per local day in `timeZone`; days without sales are absent. */
  ticketsPerDay(producerId: string, timeZone: string, since: Date): Promise<SalesDay[]>;
  ticketTypes(producerId: string, now: Date): Promise<TicketTypeSales[]>;
  quotas(producerId: string, now: Date): Promise<QuotaSales[]>;
  checkIns(producerId: string): Promise<CheckInProgress[]>;
}

/** A producer user's TOTP enrolment: the secret sealed (Keys.sealToken), never in plain text. */
export interface TotpRecord { secretSealed: string; confirmedAt: Date | null; lastUsedStep: number | null }

/** A producer user's second factor and password resets (issue 6 §1). */
export interface CredentialRepo {
  userById(userId: string): Promise<UserRecord | null>;
  totpOf(userId: string): Promise<TotpRecord | null>;
  /** Starts (or starts over) an enrolment; never replaces a confirmed one. */
  startTotp(userId: string, secretSealed: string, at: Date): Promise<void>;
  /** Switches an enrolment on with the step of the code that confirmed it; false if it was already on or is gone. */
  confirmTotp(userId: string, step: number, at: Date): Promise<boolean>;
  /** Records `step` as used if it is after the last one used (atomic); false means it was used already. */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  deleteTotp(userId: string): Promise<void>;
  createPasswordReset(r: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  /** The user of an unused, unexpired reset token hash, or null. */
  passwordResetUser(tokenHash: string, now: Date): Promise<string | null>;
  /** Marks the reset used if it was still unused and unexpired (atomic), returning its user; else null. */
  takePasswordReset(tokenHash: string, now: Date): Promise<string | null>;
  /** Sets a new password hash, ends every session of the user and voids their other reset tokens. */
  setPassword(userId: string, passwordHash: string, now: Date): Promise<{ sessionsEnded: number }>;
}

/** A member of a producer's team, and an invitation to join it (issue 6 §1). */
export interface TeamMember { userId: string; name: string; email: string; role: string; verified: boolean; createdAt: Date }
export interface InvitationRecord {
  id: string; producerId: string; producerName: string; email: string; role: string; invitedBy: string; inviterName: string;
  createdAt: Date; expiresAt: Date; acceptedAt: Date | null; revokedAt: Date | null;
}

/** Sign-up, email verification, invitations and team roles. Every query about a team names its producer. */
export interface TeamRepo {
  slugTaken(slug: string): Promise<boolean>;
  /** Whether any user, removed or not, has this (lower-cased) address now. */
  emailTaken(email: string): Promise<boolean>;
  /** Creates the producer and its first user (unverified when `emailVerifiedAt` is null); false if the slug or the address was taken meanwhile. */
  createProducerWithOwner(p: { producerId: string; name: string; slug: string; userId: string; email: string; userName: string; passwordHash: string; createdAt: Date }): Promise<boolean>;
  createEmailVerification(v: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  /** The user of an unused, unexpired verification token hash, or null. */
  emailVerificationUser(tokenHash: string, now: Date): Promise<string | null>;
  /** Uses the token (atomic) and marks the user's address verified; returns the user, or null if the token was used, expired or unknown. */
  takeEmailVerification(tokenHash: string, now: Date): Promise<string | null>;
  userVerified(userId: string): Promise<boolean>;
  /** Locks the producer's team (the producer row) for the rest of the transaction, so two role changes cannot both remove the last owner. */
  lockTeam(producerId: string): Promise<void>;
  members(producerId: string): Promise<TeamMember[]>;
  member(producerId: string, userId: string): Promise<TeamMember | null>;
  countOwners(producerId: string): Promise<number>;
  setRole(producerId: string, userId: string, role: string): Promise<void>;
  /** Removes a member: releases the address, ends their sessions; the row stays for the records that name it. */
  removeMember(producerId: string, userId: string, now: Date): Promise<void>;
  createInvitation(i: { id: string; producerId: string; email: string; role: string; tokenHash: string; invitedBy: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  /** Pending (not accepted, not revoked, not expired) invitations of the producer. */
  pendingInvitations(producerId: string, now: Date): Promise<InvitationRecord[]>;
  pendingInvitationFor(producerId: string, email: string, now: Date): Promise<InvitationRecord | null>;
  invitationByTokenHash(tokenHash: string): Promise<InvitationRecord | null>;
  /** Revokes a pending invitation of this producer; false if there is none such. */
  revokeInvitation(producerId: string, invitationId: string, by: string, now: Date): Promise<boolean>;
  /** Marks a pending, unexpired invitation accepted by `userId` (atomic); false if it was used, revoked or expired. */
  acceptInvitation(tokenHash: string, userId: string, now: Date): Promise<boolean>;
  /** Deletes verification token hashes, invitations (with their addresses) and passkey challenges that ended before `before`. */
  deleteOldLinks(before: Date): Promise<number>;
  /** Makes a user; false if the address was taken (by anyone, in any producer). */
  createUser(u: { id: string; producerId: string; email: string; name: string; passwordHash: string; role: string; createdAt: Date; emailVerifiedAt: Date | null }): Promise<boolean>;
}

/** A user's WebAuthn credential as stored: id and COSE public key in base64url, the signature counter. */
export interface PasskeyRecord { id: string; userId: string; publicKey: string; counter: number; transports: string[]; name: string; createdAt: Date; lastUsedAt: Date | null }
export interface PasskeyRepo {
  byUser(userId: string): Promise<PasskeyRecord[]>;
  /** The credential with this id, if its user exists and is not removed. */
  byId(id: string): Promise<PasskeyRecord | null>;
  /** Stores a new credential; false if that credential id is registered already. */
  add(p: Omit<PasskeyRecord, 'lastUsedAt'>): Promise<boolean>;
  /** Records a use: the new counter and the time. */
  used(id: string, counter: number, at: Date): Promise<void>;
  remove(userId: string, id: string): Promise<boolean>;
  /** Keeps a ceremony's challenge (hashed) until it is used or expires; drops expired ones. */
  saveChallenge(c: { challengeHash: string; purpose: 'register' | 'log_in'; userId: string | null; expiresAt: Date }, now: Date): Promise<void>;
  /** Uses a challenge (atomic): true once if it exists for this purpose and user and has not expired. */
  takeChallenge(challengeHash: string, purpose: 'register' | 'log_in', userId: string | null, now: Date): Promise<boolean>;
}

/**
 * The WebAuthn protocol (ADR 0013): options for the browser, and the checks of its answers
 * (challenge, origin, RP ID, user verification, signature). JSON in and out, as the browser sends it.
 */
export interface PasskeyVerifier {
  registrationOptions(o: { userId: string; userName: string; displayName: string; exclude: { id: string; transports: string[] }[] }): Promise<{ options: unknown; challenge: string }>;
  verifyRegistration(response: unknown, expectedChallenge: string): Promise<{ credentialId: string; publicKey: string; counter: number; transports: string[] } | null>;
  authenticationOptions(): Promise<{ options: unknown; challenge: string }>;
  /** The credential id and the challenge the browser's answer names, unverified (to look up the credential and the challenge). */
  readAssertion(response: unknown): { credentialId: string; challenge: string } | null;
  readAttestationChallenge(response: unknown): string | null;
  verifyAuthentication(response: unknown, expectedChallenge: string, credential: { id: string; publicKey: string; counter: number; transports: string[] }): Promise<{ newCounter: number } | null>;
}

/** Runs fn in one database transaction; a thrown error rolls everything back. */
export interface Store extends Repos {
  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T>;
}

// ---------- payments ----------

export interface PaymentSessionRequest {
  paymentId: string; orderCode: string; amount: Money; description: string;
  /** Where the provider sends the browser back; the adapter adds what it needs to the query. */
  returnUrl: string;
  /** The same key always yields the same provider session, so a retry never opens a second one. */
  idempotencyKey: string;
  expiresAt: Date;
}
/** A fact the provider reported, already authenticated by the adapter (signature checked, or asked of the provider). */
export interface PaymentOutcome {
  /** The provider's event id; each is applied at most once. */
  eventId: string;
  paymentId: string;
  providerRef: string;
  outcome: 'paid' | 'failed' | 'expired' | 'refunded';
  reason?: 'declined' | 'cancelled';
  amount: Money;
  /** With outcome 'refunded': how much of the amount the provider has refunded in all. */
  refundedTotal?: Money;
}
/** What the provider says about a session when asked (for reconciliation). */
export interface ProviderPaymentState {
  status: 'open' | 'paid' | 'failed' | 'expired';
  amount: Money;
  refunded: Money;
}
export interface PaymentProvider {
  readonly name: string;
  createSession(req: PaymentSessionRequest): Promise<{ providerRef: string; redirectUrl: string }>;
  /** The browser came back: authenticate what it says. Null for a forged, malformed or unknown return. */
  confirmReturn(params: Record<string, string | undefined>): Promise<PaymentOutcome | null>;
  /** A server-to-server notification, verified over the raw body. Null when forged; [] when not about a payment. */
  parseWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<PaymentOutcome[] | null>;
  retrieve(providerRef: string): Promise<ProviderPaymentState>;
  refund(providerRef: string, amount: Money, idempotencyKey: string): Promise<{ refundRef: string }>;
}

// ---------- mail, documents, keys ----------

export interface Attachment { filename: string; contentType: string; content: Buffer }
export interface OutgoingMail {
  to: string; subject: string; text: string; html: string; attachments: Attachment[];
  /** Extra header fields, e.g. List-Unsubscribe (RFC 8058); the adapter passes them through unchanged. */
  headers?: Record<string, string>;
}
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

export interface TicketPdfInput {
  producerName: string; eventTitle: string; startsAt: Date; timeZone: string; venueName: string; venueAddress: string;
  orderCode: string;
  /** `seat`: the reserved seat's name, when the ticket has one. */
  tickets: { id: string; ticketTypeName: string; attendeeName: string; code: string; seat?: string | null }[];
}
export interface TicketPdfRenderer {
  render(input: TicketPdfInput): Promise<Buffer>;
}

export interface Keys {
  ticketSigningKey(producerId: string): { privateKey: KeyObject; publicKey: KeyObject };
  /** A secret link token for an order, derived (HMAC) so it never has to be stored. */
  orderLinkToken(orderId: string): string;
  /** Authenticated encryption for a link that carries data (AES-GCM): nobody can read or change it without the key. */
  sealToken(purpose: string, plaintext: string): string;
  /** The plaintext of a sealed token, or null when it was made for another purpose, changed or forged. */
  openToken(purpose: string, token: string): string | null;
  /** A keyed hash of a normalised email: names a data subject in the audit trail and legal holds without the address. */
  subjectRef(email: string): string;
  /** A secret token derived (HMAC) from an id for a purpose, so a mail can carry it without it being stored. */
  derivedToken(purpose: string, id: string): string;
}

/** A receipt (on payment) or a credit note (on refund), as the PDF shows it. Amounts are gross unless named. */
export interface ReceiptDocument {
  kind: 'receipt' | 'credit_note';
  /** Formatted, e.g. "R-000123" or "CN-000007" (no year: a producer's series never restarts). */
  number: string;
  issuedAt: Date;
  timeZone: string;
  seller: { legalName: string; address: string; vatId: string | null };
  /** The email is null when a counter buyer gave none. */
  buyer: { name: string; email: string | null };
  orderCode: string;
  eventTitle: string;
  performanceStartsAt: Date;
  lines: { description: string; quantity: number; unitGross: Money; net: Money; taxRateBp: number; tax: Money; gross: Money }[];
  taxByRate: { rateBp: number; net: Money; tax: Money }[];
  net: Money;
  tax: Money;
  gross: Money;
  /** For a credit note: the number of the receipt it corrects. */
  refersTo?: string;
}
export interface ReceiptPdfRenderer {
  render(doc: ReceiptDocument): Promise<Buffer>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** True for a stored hash made by an older scheme or with weaker parameters: re-hash it at the next log-in. */
  needsRehash(hash: string): boolean;
}

// ---------- clients: IP address and network, for fraud checks (promise 2) ----------

/** Who is on the other end of a request: the IP address as the HTTP layer determined it (trusted proxies only). */
export interface Client { ip: string }
export interface IpNetwork { asn: number; organisation: string }
/** The offline IP-to-network lookup. Never a call to a third-party service. */
export interface IpInfo {
  /** Null for an address in no known range (private, reserved, or not an IP address). */
  lookup(ip: string): Promise<IpNetwork | null>;
  /** The data's licence asks for this link wherever a result is shown. */
  readonly attribution: { text: string; href: string };
}
/** What was recorded about the client that placed an order. */
export interface OrderClient { ip: string; asn: number | null; organisation: string | null; flags: FlagReason[] }
export interface StaffLogIn { id: string; userId: string; producerId: string; at: Date; ip: string | null; asn: number | null; organisation: string | null }
export interface FraudRepo {
  /** Counts over [since, now]: new orders from the IP, the email (case-insensitive), the ASN; failed payments of orders from the IP. */
  recentActivity(q: { ip: string | null; email: string; asn: number | null; since: Date }): Promise<RecentActivity>;
  recordOrderClient(orderId: string, client: { ip: string; network: IpNetwork | null; flags: FlagReason[] }): Promise<void>;
  orderClient(orderId: string): Promise<OrderClient | null>;
  recordStaffLogIn(l: StaffLogIn): Promise<void>;
  /** A producer's recent staff log-ins, newest first: scoped by producer. */
  staffLogIns(producerId: string, limit: number): Promise<StaffLogIn[]>;
}

// ---------- attendee export (issue 6 §5) ----------

/** One ticket of a producer's event, with its order's buyer: one row of the attendee export. */
export interface AttendeeRow {
  orderCode: string; orderStatus: OrderStatus; buyerName: string; buyerEmail: string | null; marketingConsent: boolean;
  /** The provider of the order's latest payment (see ProducerOrderRow). */
  paymentProvider: string | null;
  eventTitle: string; performanceStartsAt: Date; timeZone: string; ticketTypeName: string; ticketStatus: 'valid' | 'void';
  attendeeName: string; checkedInAt: Date | null;
  /** The order's answers to the event's checkout questions, as "Question: answer" joined by "; " ('' without). */
  answers: string;
}
export interface ProducerEvent { id: string; slug: string; title: string; performanceCount: number; firstStartsAt: Date | null; timeZone: string | null }
/** An export as the audit trail recorded it, with the name of the producer's user who made it. */
export interface ExportLogEntry { seq: number; at: Date; userId: string | null; userName: string | null; detail: string }
export interface AttendeeRepo {
  /** The producer's events, newest performance first; only that producer's. */
  eventsOf(producerId: string): Promise<ProducerEvent[]>;
  /** One event of the producer's; null for an unknown event or another producer's. */
  eventOf(producerId: string, eventId: string): Promise<ProducerEvent | null>;
  /** Every ticket of the producer's events (or of one of them), with its buyer; scoped by producer in the query. */
  rows(producerId: string, eventId: string | null): Promise<AttendeeRow[]>;
  /** The producer's most recent 'attendees.export' audit entries, newest first. */
  recentExports(producerId: string, limit: number): Promise<ExportLogEntry[]>;
}

/** Writes a workbook of one sheet; every cell is stored as text, never as a formula. */
export interface SpreadsheetWriter {
  xlsx(sheet: { name: string; header: readonly string[]; rows: readonly (readonly string[])[] }): Promise<Buffer>;
}

// ---------- emailing buyers (issue 6 §6) ----------

export type MailingKind = 'update' | 'marketing';
export interface MailingRecord {
  id: string; producerId: string; eventId: string | null; kind: MailingKind; subject: string; body: string; status: 'sending' | 'done';
  total: number; sent: number; failed: number; failedAttempts: number; createdBy: string; createdAt: Date; finishedAt: Date | null;
}
/** One address to write to, claimed by one dispatcher. */
export interface MailingDelivery {
  id: string; mailingId: string; producerId: string; producerName: string; kind: MailingKind; subject: string; body: string;
  email: string; subjectRef: string; attempts: number;
}
export interface MailingRepo {
  /**
   * The distinct lower-cased addresses of buyers with a paid order of the producer's events (or of one of
   * them); with `consentOnly`, only orders whose buyer said yes to marketing. Scoped by producer in the query.
   */
  audience(producerId: string, eventId: string | null, consentOnly: boolean): Promise<string[]>;
  /** Which of these subject refs unsubscribed from the producer. */
  unsubscribed(producerId: string, subjectRefs: readonly string[]): Promise<Set<string>>;
  create(m: Omit<MailingRecord, 'sent' | 'failed' | 'failedAttempts' | 'finishedAt' | 'status'>, recipients: { id: string; email: string; subjectRef: string }[]): Promise<void>;
  /** One mailing of the producer's; null for another producer's. */
  byId(producerId: string, id: string): Promise<MailingRecord | null>;
  recent(producerId: string, limit: number): Promise<MailingRecord[]>;
  /** Takes up to `limit` queued deliveries (or ones claimed long ago by a dispatcher that died); SKIP LOCKED. */
  claimDue(limit: number, now: Date): Promise<MailingDelivery[]>;
  /** Call in a transaction. Records the outcome, forgets the address once final, counts it on the mailing and closes the mailing when nothing is left. */
  finish(d: { id: string; mailingId: string }, outcome: 'sent' | 'skipped' | 'retry' | 'failed', at: Date, error?: string): Promise<void>;
  /** Records the unsubscribe (once); with `withdrawConsent`, sets marketing consent to no on the producer's orders of that address. */
  unsubscribe(producerId: string, email: string, subjectRef: string, withdrawConsent: boolean, at: Date): Promise<{ consentWithdrawn: number }>;
  /** The producer user's own address, for a test send. */
  userEmail(producerId: string, userId: string): Promise<string | null>;
  producerName(producerId: string): Promise<string | null>;
}

// ---------- reserved seating (issue 4 §3, ADR 0011) ----------

/** A seat of a performance as the buyer sees it: taken while a live hold or a valid ticket has it. */
export interface PerformanceSeat extends PlacedSeat { taken: boolean }
/** A ticket type sold only with a seat of its zone. */
export interface SeatedTicketType { id: string; name: string; zone: string; price: Money }
export interface ProducerVenue { id: string; name: string; address: string; timeZone: string; seatCount: number }
export interface SeatChoice { seatId: string; ticketTypeId: string }
export interface SeatRepo {
  /** The producer's venues; only that producer's. */
  venuesOf(producerId: string): Promise<ProducerVenue[]>;
  /** One venue of the producer's; null for an unknown venue or another producer's. */
  venueOf(producerId: string, venueId: string): Promise<ProducerVenue | null>;
  seatsOfVenue(venueId: string): Promise<PlacedSeat[]>;
  /**
   * Makes the venue's map exactly `seats`: a seat keeps its id by section, row and number. Seats that
   * would go but were ever held or sold are returned, and then nothing is changed (call it in a transaction).
   */
  replaceSeatMap(venueId: string, seats: readonly SeatSpec[]): Promise<PlacedSeat[]>;
  /** Every seat of the performance's venue, with whether a live claim has it at `now`. */
  seatsOfPerformance(performanceId: string, now: Date): Promise<PerformanceSeat[]>;
  /** These seats, if they are in the performance's venue. */
  seatsForPerformance(performanceId: string, seatIds: readonly string[]): Promise<PlacedSeat[]>;
  seatedTicketTypes(performanceId: string): Promise<SeatedTicketType[]>;
  /**
   * Claims the seats for the hold (call it in the hold's transaction): first marks released the dead
   * claims on them (hold expired or released, ticket voided), then inserts; the partial unique index
   * refuses a seat that still has a live claim. Returns the seat ids it could not claim.
   */
  claim(c: { performanceId: string; holdId: string; expiresAt: Date; now: Date; seats: readonly SeatChoice[] }): Promise<string[]>;
  /** Locks the hold's claims (FOR UPDATE) and returns them, in seat order; null when any of them was released. */
  keepHoldSeats(holdId: string): Promise<SeatClaimRef[] | null>;
  /** Turns the kept claims into sales: each claim gets a ticket of its ticket type. */
  sellHoldSeats(claims: readonly SeatClaimRef[], tickets: readonly { id: string; ticketTypeId: string }[]): Promise<void>;
  /** The seats the hold still claims. */
  ofHold(holdId: string): Promise<PlacedSeat[]>;
  /** The seat of each of these tickets that has one. */
  ofTickets(ticketIds: readonly string[]): Promise<Map<string, PlacedSeat>>;
}

// ---------- the virtual waiting room (issue 4 §4, ADR 0012) ----------

/** A producer's waiting-room settings for one event, as stored; `enabled` false keeps them for later. */
export interface WaitingRoomSettings extends WaitingRoom { enabled: boolean; updatedAt: Date }
export interface WaitingRoomRepo {
  /** The settings of one event (any producer's: the storefront asks by event id), with its slug, title and time zone. */
  forEvent(eventId: string): Promise<WaitingRoomSettings | null>;
  /** The same by the event's address (the hold route has only the slug; one indexed read). */
  forEventSlug(eventSlug: string): Promise<WaitingRoomSettings | null>;
  save(s: { eventId: string; producerId: string; opensAt: Date; perMinute: number; rateFrom: Date; admittedAtRateFrom: number; enabled: boolean; updatedAt: Date }): Promise<void>;
  /** Every room that is on, to fill the cache at start. */
  allEnabled(): Promise<WaitingRoomSettings[]>;
  /** The producer's rooms, on or off; only that producer's. */
  ofProducer(producerId: string): Promise<WaitingRoomSettings[]>;
}

/** Where a visitor stands: before the opening, only how many wait with them; after it, a position from 0. */
export type QueuePlace = { kind: 'early'; waiting: number } | { kind: 'placed'; position: number };
/**
 * The waiting room's queue and the cached room settings, in Redis (shared by every instance) or in
 * memory (embedded mode). Every call is O(1) except the one draw at the opening, and none reads the database.
 */
export interface WaitingRoomQueue {
  /** The room in front of this event's sale, as cached; null when there is none or it is off. */
  room(eventSlug: string): Promise<WaitingRoom | null>;
  putRoom(room: WaitingRoom): Promise<void>;
  dropRoom(eventSlug: string): Promise<void>;
  /**
   * Enters a visitor into one queue, or finds their place (a repeat never moves them). Before the opening
   * (`opened` false) an arrival is filed under `randomKey`. The first call after the opening draws: the early
   * arrivals take positions 0…n-1 in the order of their keys, once. A later arrival takes the next position,
   * but never one below `floor` (the places already admitted), so a crowd after a quiet spell still queues.
   */
  enter(queueKey: string, visitorId: string, o: { opened: boolean; floor: number; randomKey: number }): Promise<QueuePlace>;
}

// ---------- discount codes and checkout questions (issue 6 §2, ADR 0014) ----------

export interface VoucherListRow extends VoucherRule { eventTitle: string; uses: number; createdAt: Date }
export interface VoucherRepo {
  /** Creates the code; false when the producer already has one spelt the same. */
  create(v: VoucherRule & { createdAt: Date }): Promise<boolean>;
  /** The producer's code, locked (FOR UPDATE) when asked: uses are counted and taken under this lock. */
  byCode(producerId: string, code: string, opts?: { forUpdate?: boolean }): Promise<VoucherRule | null>;
  byId(producerId: string, id: string, opts?: { forUpdate?: boolean }): Promise<VoucherRule | null>;
  /** Uses that count now: orders paid or refunded, or pending with a live hold; `exceptOrderId` left out. */
  liveUses(voucherId: string, now: Date, exceptOrderId?: string): Promise<number>;
  listForProducer(producerId: string, now: Date): Promise<VoucherListRow[]>;
  /** Switches the producer's code off; false when it has no such code. */
  disable(producerId: string, id: string, now: Date): Promise<boolean>;
  redeem(r: { orderId: string; voucherId: string; createdAt: Date }): Promise<void>;
  forOrder(orderId: string): Promise<{ voucherId: string; code: string } | null>;
  /** The ticket types of the producer's event (every performance), by name; empty for another producer's event. */
  eventTicketTypes(producerId: string, eventId: string): Promise<{ id: string; name: string; currency: string }[]>;
}

export interface CheckoutQuestion {
  id: string; producerId: string; eventId: string; kind: QuestionKind; label: string; purpose: string; required: boolean;
  choices: string[] | null; sort: number; disabledAt: Date | null;
}
export interface QuestionAnswer { questionId: string; label: string; purpose: string; kind: QuestionKind; answer: string }
export interface ProducerQuestionNotice { producerName: string; eventTitle: string; questions: { label: string; purpose: string; required: boolean }[] }
export interface QuestionRepo {
  create(q: CheckoutQuestion & { createdAt: Date }): Promise<void>;
  /** The event's questions, in order; switched-off ones only when asked. Scoped by the producer. */
  forEvent(producerId: string, eventId: string, opts?: { withDisabled?: boolean }): Promise<CheckoutQuestion[]>;
  disable(producerId: string, id: string, now: Date): Promise<boolean>;
  /** Replaces the order's answers. */
  saveAnswers(orderId: string, answers: readonly { questionId: string; answer: string }[]): Promise<void>;
  answersOf(orderId: string): Promise<QuestionAnswer[]>;
  /** Every producer's switched-on questions of published events, for the privacy page. */
  notices(): Promise<ProducerQuestionNotice[]>;
}
