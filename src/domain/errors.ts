/**
 * Expected failures are values with a machine-readable code, not exceptions.
 * The one place that turns a code into an HTTP status is src/http/errors.ts.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'unauthenticated'
  | 'forbidden'
  | 'sold_out'
  | 'hold_expired'
  | 'hold_used'
  | 'sales_closed'
  | 'not_on_sale'
  | 'sales_ended'
  | 'payment_declined'
  | 'bad_signature'
  | 'illegal_transition'
  | 'conflict'
  | 'unavailable'
  | 'rate_limited'
  | 'link_expired'
  | 'legal_hold';

export interface Failure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  /** Optional details a client may show, e.g. which field or how many are left. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Result<T> = Success<T> | Failure;

export const ok = <T>(value: T): Success<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>): Failure =>
  details === undefined ? { ok: false, code, message } : { ok: false, code, message, details };

/** Thrown only to abort a database transaction; carries the Failure out of it. */
export class FailureError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = 'FailureError';
  }
}
