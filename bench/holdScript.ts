import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The pgbench script of the hold transaction, generated from the one ADR 0010 records
 * (docs/decisions/0010-hold.pgbench.sql: the one statement of
 * `inventory.reserveHold`, run in autocommit), with the quantity and the hold's length made variables so
 * that pgbench holds as many places, for as long, as the simulated buyers do.
 *
 * Variables (pass with -D): quota, performance, type, qty, minutes.
 */
export const HOLD_SCRIPT_SOURCE = 'docs/decisions/0010-hold.pgbench.sql';

export function holdScript(): string {
  const adr = readFileSync(join(import.meta.dirname, '..', HOLD_SCRIPT_SOURCE), 'utf8');
  const edits: [RegExp, string][] = [
    [/\(:quota::uuid, 1::int\)/, '(:quota::uuid, :qty::int)'],
    [/\(:type::uuid, 1::int,/, '(:type::uuid, :qty::int,'],
    [/interval '10 minutes'/, 'make_interval(mins => :minutes)'],
  ];
  let script = adr;
  for (const [from, to] of edits) {
    if (!from.test(script)) throw new Error(`${HOLD_SCRIPT_SOURCE} no longer has ${from}: update bench/holdScript.ts to the hold design`);
    script = script.replace(from, to);
  }
  return script;
}
