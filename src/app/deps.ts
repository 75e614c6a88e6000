import type { FraudPolicy } from '../domain/fraud.ts';
import type { HoldBatcher } from './holdBatcher.ts';
import type { Clock, IpInfo, Keys, Mailer, PasskeyVerifier, PasswordHasher, PaymentProvider, ReceiptPdfRenderer, SpreadsheetWriter, Store, TicketPdfRenderer, WaitingRoomQueue } from './ports.ts';

/** What the use cases are given at start. main.ts builds it; tests build it with their own adapters. */
export interface AppDeps {
  store: Store;
  clock: Clock;
  payments: PaymentProvider;
  mailer: Mailer;
  pdf: TicketPdfRenderer;
  receiptPdf: ReceiptPdfRenderer;
  keys: Keys;
  passwords: PasswordHasher;
  log: AppLogger;
  settings: {
    baseUrl: string; holdMinutes: number; fraud: FraudPolicy;
    /** Whether this process sends the outbox's mail (SEND_MAIL); when false it only queues it. */
    sendMail: boolean;
    retention: { ipDays: number; buyerDataMonths: number; abandonedDays: number };
    /** How often the waiting room's page reloads itself. */
    waitingRoomRefreshSeconds: number;
  };
  /** The client IP's network (ASN and organisation), from the offline database. */
  ipInfo: IpInfo;
  /** XLSX for the attendee export. */
  spreadsheets: SpreadsheetWriter;
  /** The waiting room's queue and its cached settings (Redis or memory; ADR 0012). */
  waitingRoom: WaitingRoomQueue;
  /** WebAuthn for passkeys, for this box office's origin and RP ID (ADR 0013). */
  passkeys: PasskeyVerifier;
  /** Group commit of concurrent holds in this process (ADR 0010); without it every hold is its own statement. */
  holdBatcher?: HoldBatcher;
}

/** The subset of pino the use cases use. Log ids, never names, emails or card data. */
export interface AppLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}
