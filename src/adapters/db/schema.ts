import type { ColumnType, Generated } from 'kysely';

/** Column names are snake_case in SQL and camelCase here (Kysely's CamelCasePlugin). */
type Timestamp = ColumnType<Date, Date, Date>;

export interface ProducersTable {
  id: string; name: string; slug: string; isDemo: boolean; createdAt: Timestamp;
  legalName: Generated<string>; legalAddress: Generated<string>; vatId: string | null;
}
export interface UsersTable {
  id: string; producerId: string; email: string; name: string; passwordHash: string; role: string; createdAt: Timestamp;
  emailVerifiedAt: Generated<Date | null>; removedAt: Generated<Date | null>;
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
  zone: Generated<string | null>;
}
export interface QuotasTable {
  id: string; performanceId: string; name: string; capacity: number; createdAt: Generated<Date>;
  /** Counters kept with the rows that justify them (migration 013, ADR 0010). */
  sold: Generated<number>; held: Generated<number>;
}
export interface HoldQuotasTable { holdId: string; quotaId: string; quantity: number }
export interface TicketTypeQuotasTable { ticketTypeId: string; quotaId: string }
export interface WaitingRoomsTable { eventId: string; producerId: string; opensAt: Timestamp; perMinute: number; rateFrom: Timestamp; admittedAtRateFrom: number; enabled: boolean; updatedAt: Timestamp }
export interface HoldsTable { id: string; performanceId: string; status: string; createdAt: Timestamp; expiresAt: Timestamp }
export interface HoldItemsTable {
  holdId: string; ticketTypeId: string; quantity: number; unitPriceMinor: number; currency: string; taxRateBp: number; taxInclusive: boolean;
}
export interface OrdersTable {
  id: string; code: string; producerId: string; performanceId: string; holdId: string; status: string;
  buyerName: string; buyerEmail: string | null; marketingConsent: boolean; totalMinor: number; currency: string;
  createdAt: Timestamp; paidAt: Timestamp | null;
  netMinor: Generated<number>; taxMinor: Generated<number>; feeMinor: Generated<number>; feeTaxMinor: Generated<number>; feeTaxRateBp: Generated<number>; feePerTicketMinor: Generated<number>;
  clientIp: Generated<string | null>; clientAsn: Generated<number | null>; clientOrg: Generated<string | null>; flagReasons: Generated<string | null>;
  /** The user who sold it at the counter (migration 019); null online. */
  soldBy: Generated<string | null>;
  discountMinor: Generated<number>; voucherCode: Generated<string | null>;
}
export interface OrderLinesTable {
  orderId: string; ticketTypeId: string; quantity: number; unitPriceMinor: number; currency: string;
  taxRateBp: number; taxInclusive: boolean; unitGrossMinor: number; netMinor: number; taxMinor: number; grossMinor: number;
  discountMinor: Generated<number>;
}
export interface PaymentsTable {
  id: string; orderId: string; provider: string; providerRef: string | null; status: string;
  amountMinor: number; currency: string; createdAt: Timestamp; updatedAt: Timestamp; refundedMinor: Generated<number>;
  /** The counter terminal's reference for a card payment (migration 019); never card data. */
  terminalRef: Generated<string | null>;
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
  waitingRooms: WaitingRoomsTable;
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
  seats: SeatsTable;
  seatClaims: SeatClaimsTable;
  emailVerifications: EmailVerificationsTable;
  invitations: InvitationsTable;
  passkeys: PasskeysTable;
  passkeyChallenges: PasskeyChallengesTable;
  vouchers: VouchersTable;
  voucherTicketTypes: VoucherTicketTypesTable;
  voucherRedemptions: VoucherRedemptionsTable;
  checkoutQuestions: CheckoutQuestionsTable;
  orderAnswers: OrderAnswersTable;
}
export interface PasskeysTable {
  id: string; userId: string; publicKey: string; counter: ColumnType<string | number, number, number>; transports: string; name: string;
  createdAt: Timestamp; lastUsedAt: Date | null;
}
export interface PasskeyChallengesTable { challengeHash: string; purpose: string; userId: string | null; expiresAt: Timestamp }
export interface EmailVerificationsTable { tokenHash: string; userId: string; createdAt: Timestamp; expiresAt: Timestamp; usedAt: Date | null }
export interface InvitationsTable {
  id: string; producerId: string; email: string; role: string; tokenHash: string; invitedBy: string; createdAt: Timestamp; expiresAt: Timestamp;
  acceptedAt: Date | null; acceptedUserId: string | null; revokedAt: Date | null; revokedBy: string | null;
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

/** Reserved seating (migration 014, ADR 0011). */
export interface SeatsTable { id: string; venueId: string; section: string; rowLabel: string; number: string; x: number; y: number; zone: string; forSale: boolean }
export interface SeatClaimsTable {
  id: string; performanceId: string; seatId: string; holdId: string; ticketTypeId: string; expiresAt: Date | null; ticketId: string | null;
  createdAt: Timestamp; releasedAt: Date | null;
}

// Migration 018: discount codes and checkout questions (ADR 0014).
export interface VouchersTable {
  id: string; producerId: string; eventId: string; code: string; kind: string; percentBp: number | null; amountMinor: number | null;
  currency: string | null; maxUses: number; validUntil: Timestamp | null; disabledAt: Timestamp | null; createdAt: Timestamp;
}
export interface VoucherTicketTypesTable { voucherId: string; ticketTypeId: string }
export interface VoucherRedemptionsTable { orderId: string; voucherId: string; createdAt: Timestamp }
export interface CheckoutQuestionsTable {
  id: string; producerId: string; eventId: string; kind: string; label: string; purpose: string; required: boolean;
  choices: string | null; sort: Generated<number>; disabledAt: Timestamp | null; createdAt: Timestamp;
}
export interface OrderAnswersTable { orderId: string; questionId: string; answer: string }
