import type { Clock, Keys, Mailer, PasswordHasher, PaymentProvider, Store, TicketPdfRenderer } from './ports.ts';

/** What the use cases are given at start. main.ts builds it; tests build it with their own adapters. */
export interface AppDeps {
  store: Store;
  clock: Clock;
  payments: PaymentProvider;
  mailer: Mailer;
  pdf: TicketPdfRenderer;
  keys: Keys;
  passwords: PasswordHasher;
  log: AppLogger;
  settings: { baseUrl: string; holdMinutes: number; retention: { ipDays: number; buyerDataMonths: number; abandonedDays: number } };
}

/** The subset of pino the use cases use. Log ids, never names, emails or card data. */
export interface AppLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}
