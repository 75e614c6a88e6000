/**
 * The hold transaction as a pgbench custom script: the same statements `placeHold` runs inside its
 * transaction (docs/decisions/0001: lock the ticket type, count sold and live held places, insert
 * the hold and its item when there is room), with pgbench variables where the app binds parameters.
 * Differences, all in pgbench's favour: the two counts drop their GROUP BY (one ticket type, and
 * `\gset` needs exactly one row), the availability check is pgbench's `\if`, and ids come from
 * gen_random_uuid().
 *
 * Variables (pass with -D): perf, tt, qty, minutes.
 */
export const HOLD_SCRIPT_DESIGN = 'ADR 0001: lock ticket_types FOR UPDATE, count tickets and live hold_items, insert';

export function holdScript(): string {
  return `-- Marquee hold transaction (${HOLD_SCRIPT_DESIGN})
BEGIN;
SELECT id, performance_id, name, price_minor, currency, capacity, tax_rate_bp, tax_inclusive FROM ticket_types WHERE performance_id = :perf AND id IN (:tt) ORDER BY id FOR UPDATE \\gset
SELECT count(*)::int AS sold FROM tickets WHERE ticket_type_id IN (:tt) AND status = 'valid' \\gset
SELECT coalesce(sum(hi.quantity), 0)::int AS held FROM hold_items AS hi INNER JOIN holds AS h ON h.id = hi.hold_id WHERE hi.ticket_type_id IN (:tt) AND h.status = 'active' AND h.expires_at > now() \\gset
\\set left :capacity - :sold - :held
\\if :left >= :qty
INSERT INTO holds (id, performance_id, created_at, expires_at, status) VALUES (gen_random_uuid(), :perf, now(), now() + make_interval(mins => :minutes), 'active') RETURNING id AS hold_id \\gset
INSERT INTO hold_items (hold_id, ticket_type_id, quantity, unit_price_minor, currency, tax_rate_bp, tax_inclusive) VALUES (:hold_id, :tt, :qty, :price_minor, :currency, :tax_rate_bp, :tax_inclusive);
\\endif
END;
`;
}
