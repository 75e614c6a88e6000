import { type Result, fail, ok } from './errors.ts';

export type OrderStatus = 'pending' | 'paid' | 'expired' | 'cancelled' | 'refunded' | 'partially_refunded';

/** The order lifecycle, as DOMAIN.md draws it. Nothing moves an order except through this table. */
const transitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['paid', 'expired', 'cancelled'],
  paid: ['refunded', 'partially_refunded', 'cancelled'],
  partially_refunded: ['refunded', 'partially_refunded', 'cancelled'],
  expired: [],
  cancelled: [],
  refunded: [],
};

export function transitionOrder(from: OrderStatus, to: OrderStatus): Result<OrderStatus> {
  return transitions[from].includes(to)
    ? ok(to)
    : fail('illegal_transition', `An order cannot go from ${from} to ${to}.`, { from, to });
}

/** Short human order code, e.g. "K7QF-3MZP": an alphabet without 0/O, 1/I/L, as pretix does. */
export const ORDER_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function orderCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < 8) throw new RangeError('need 8 random bytes for an order code');
  let code = '';
  for (let i = 0; i < 8; i++) {
    code += ORDER_CODE_ALPHABET[bytes[i]! % ORDER_CODE_ALPHABET.length];
    if (i === 3) code += '-';
  }
  return code;
}
