import type { ColumnType, Generated } from 'kysely';

/** Column names are snake_case in SQL and camelCase here (Kysely's CamelCasePlugin). */
type Timestamp = ColumnType<Date, Date, Date>;

export interface ProducersTable {
  id: string; name: string; slug: string; isDemo: boolean; createdAt: Timestamp;
  legalName: Generated<string>; legalAddress: Generated<string>; vatId: string | null;
}
export interface UsersTable {
  id: string; producerId: string; email: string; name: string; passwordHash: string; role: string; createdAt: Timestamp;
}
export interface SessionsTable { tokenHash: string; userId: string; createdAt: Timestamp; expiresAt: Timestamp }
export interface VenuesTable { id: string; producerId: string; name: string; address: string; timeZone: string }
export interface EventsTable {
  id: string; producerId: string; slug: string; title: string; description: string; isDemo: boolean; published: boolean; createdAt: Timestamp;
  feePerTicketMinor: Generated<number>; feePerOrderMinor: Generated<number>; feeTaxRateBp: Generated<number>;
}
export interface PerformancesTable { id: string; number: Generated<number>; eventId: string; venueId: string; startsAt: Timestamp; cancelledAt: Generated<Date | null> }
export interface TicketTypesTable {
  id: string; performanceId: string; name: string; priceMinor: number; currency: string; sort: number;
  taxRateBp: Generated<number>; taxInclusive: Generated<boolean>;
  salesOpensAt: Generated<Date | null>; salesClosesAt: Generated<Date | null>; minPerOrder: Generated<number>; maxPerOrder: Generated<number>;
}
export interface QuotasTable {
  id: string; performanceId: string; name: string; capacity: number; createdAt: Generated<Date>;
  /** Counters kept with the rows that justify them (migration 013, ADR 0010). */
  sold: Generated<number>; held: Generated<number>;
}
export interface HoldQuotasTable { holdId: string; quotaId: string; quantity: number }
export interface TicketTypeQuotasTable { ticketTypeId: string; quotaId: string }
export interface HoldsTable { id: string; performanceId: string; status: string; createdAt: Timestamp; expiresAt: Timestamp }
export interface HoldItemsTable {
  holdId: string; ticketTypeId: string; quantity: number; unitPriceMinor: number; currency: string; taxRateBp: number; taxInclusive: boolean;
}
export interface OrdersTable {
  id: string; code: string; producerId: string; performanceId: string; holdId: string; status: string;
  buyerName: string; buyerEmail: string; marketingConsent: boolean; totalMinor: number; currency: string;
  createdAt: Timestamp; paidAt: Timestamp | null;
  netMinor: Generated<number>; taxMinor: Generated<number>; feeMinor: Generated<number>; feeTaxMinor: Generated<number>; feeTaxRateBp: Generated<number>; feePerTicketMinor: Generated<number>;
  clientIp: Generated<string | null>; clientAsn: Generated<number | null>; clientOrg: Generated<string | null>; flagReasons: Generated<string | null>;
}
export interface OrderLinesTable {
  orderId: string; ticketTypeId: string; quantity: number; unitPriceMinor: number; currency: string;
  taxRateBp: number; taxInclusive: boolean; unitGrossMinor: number; netMinor: number; taxMinor: number; grossMinor: number;
}
export interface PaymentsTable {
  id: string; orderId: string; provider: string; providerRef: string | null; status: string;
  amountMinor: number; currency: string; createdAt: Timestamp; updatedAt: Timestamp; refundedMinor: Generated<number>;
}
export interface PaymentIssuesTable {
  id: string; producerId: string; paymentId: string; kind: string; detail: string; createdAt: Timestamp; resolvedAt: Timestamp | null;
}
export interface RefundsTable { id: string; paymentId: string; idempotencyKey: string; providerRefundRef: string; amountMinor: number; createdAt: Timestamp }
export interface TestpayRefundsTable { id: string; sessionId: string; idempotencyKey: string; amountMinor: number; createdAt: Timestamp }
export interface PaymentEventsTable { provider: string; eventId: string; receivedAt: Timestamp }
export interface TicketsTable {
  id: string; orderId: string; performanceId: string; ticketTypeId: string; attendeeName: string; status: string; createdAt: Timestamp;
}
export interface CheckInsTable { id: string; ticketId: string; performanceId: string; userId: string | null; checkedInAt: Timestamp }
export interface MailsTable {
  id: string; producerId: string; orderId: string; kind: string; status: string; attempts: Generated<number>;
  lastError: string | null; createdAt: Timestamp; sentAt: Timestamp | null; claimedAt: Generated<Date | null>;
}
/** The number the next receipt or credit note of a producer gets. */
export interface DocumentSequencesTable { producerId: string; kind: string; nextNumber: number }
export interface ReceiptsTable {
  id: string; producerId: string; orderId: string; kind: string; number: number; formatted: string;
  issuedAt: Timestamp; grossMinor: number; currency: string; refersTo: string | null;
  content: Generated<string>;
}
export interface DevOutboxTable { id: string; toAddress: string; subject: string; textBody: string; raw: Uint8Array; createdAt: Timestamp }
export interface TestpaySessionsTable {
  id: string; merchantReference: string; amountMinor: number; currency: string; description: string; returnUrl: string;
  status: string; refundedMinor: Generated<number>; createdAt: Timestamp; idempotencyKey: string | null; expiresAt: Timestamp | null;
}

export interface AuditEntriesTable {
  seq: number; id: string; at: Timestamp; actorKind: string; actorId: string | null; producerId: string | null;
  action: string; subject: string; reason: string; detail: string; prevHash: string; hash: string;
}
export interface AuditHeadTable { id: number; seq: number; hash: string }
export interface SubjectMailsTable {
  id: string; email: string | null; subjectRef: string; kind: string; linkExpiresAt: Timestamp; status: string; attempts: Generated<number>;
  lastError: string | null; createdAt: Timestamp; claimedAt: Date | null; sentAt: Date | null;
}
export interface UserTotpTable { userId: string; secretSealed: string; confirmedAt: Date | null; lastUsedStep: number | null; createdAt: Timestamp }
export interface PasswordResetsTable { tokenHash: string; userId: string; createdAt: Timestamp; expiresAt: Timestamp; usedAt: Date | null }
export interface LegalHoldsTable {
  id: string; subjectRef: string | null; orderId: string | null; reason: string; placedBy: string; createdAt: Timestamp; until: Date | null;
}

export interface PlatformStaffTable { id: string; email: string; name: string; passwordHash: string; role: string; createdAt: Timestamp }
export interface StaffSessionsTable { tokenHash: string; staffId: string; createdAt: Timestamp; expiresAt: Timestamp }
export interface SupportRequestsTable { id: string; reference: string; orderId: string; producerId: string; message: string; status: string; createdAt: Timestamp }
export interface DisclosureRequestsTable {
  id: string; kind: string; authority: string; legalBasis: string; reference: string; orderIds: string; emailHashes: string; fields: string;
  dateFrom: Timestamp; dateTo: Timestamp; notifyAllowed: boolean; status: string; recordedBy: string; recordedAt: Timestamp;
  decidedBy: string | null; decidedAt: Timestamp | null; decisionNote: string | null; lastExportHash: string | null; lastExportedAt: Timestamp | null;
}
export interface StaffLoginsTable { id: string; userId: string; producerId: string; at: Timestamp; ip: string | null; asn: number | null; organisation: string | null }

export interface Database {
  producers: ProducersTable;
  users: UsersTable;
  sessions: SessionsTable;
  venues: VenuesTable;
  events: EventsTable;
  performances: PerformancesTable;
  ticketTypes: TicketTypesTable;
  quotas: QuotasTable;
  ticketTypeQuotas: TicketTypeQuotasTable;
  holdQuotas: HoldQuotasTable;
  holds: HoldsTable;
  holdItems: HoldItemsTable;
  orders: OrdersTable;
  orderLines: OrderLinesTable;
  payments: PaymentsTable;
  paymentEvents: PaymentEventsTable;
  tickets: TicketsTable;
  checkIns: CheckInsTable;
  mails: MailsTable;
  devOutbox: DevOutboxTable;
  testpaySessions: TestpaySessionsTable;
  testpayRefunds: TestpayRefundsTable;
  paymentIssues: PaymentIssuesTable;
  refunds: RefundsTable;
  auditEntries: AuditEntriesTable;
  auditHead: AuditHeadTable;
  documentSequences: DocumentSequencesTable;
  receipts: ReceiptsTable;
  platformStaff: PlatformStaffTable;
  staffSessions: StaffSessionsTable;
  supportRequests: SupportRequestsTable;
  disclosureRequests: DisclosureRequestsTable;
  staffLogins: StaffLoginsTable;
  subjectMails: SubjectMailsTable;
  legalHolds: LegalHoldsTable;
  mailings: MailingsTable;
  mailingRecipients: MailingRecipientsTable;
  mailUnsubscribes: MailUnsubscribesTable;
  userTotp: UserTotpTable;
  passwordResets: PasswordResetsTable;
}

export interface MailingsTable {
  id: string; producerId: string; eventId: string | null; kind: string; subject: string; body: string; status: string;
  total: number; sent: Generated<number>; failed: Generated<number>; failedAttempts: Generated<number>;
  createdBy: string; createdAt: Timestamp; finishedAt: Timestamp | null;
}
export interface MailingRecipientsTable {
  id: string; mailingId: string; email: string | null; subjectRef: string; status: string; attempts: Generated<number>;
  lastError: string | null; claimedAt: Timestamp | null; sentAt: Timestamp | null;
}
export interface MailUnsubscribesTable { producerId: string; subjectRef: string; createdAt: Timestamp }
