import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * At most this many distinct statements are prepared per process; any others run unnamed, as before.
 * Each prepared statement takes a little memory in every server connection that runs it, and the
 * app's SQL is a few hundred fixed texts (lists of variable length make more, which the cap bounds).
 */
const MAX_PREPARED = 400;

const names = new Map<string, string>();

/** The statement's name; '' for a text that runs unnamed (past the cap, or after the error below). */
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_PREPARED) {
    name = `mq_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
    names.set(text, name);
  }
  return name ?? '';
}

/**
 * A change of a table's columns while the process runs (a migration by a newer version during a
 * rolling deploy) makes the server refuse a prepared `select *` once ("cached plan must not change
 * result type", SQLSTATE 0A000): that call fails, and the text runs unnamed from then on.
 */
function forgetOn(text: string, err: unknown): never {
  if ((err as { code?: string }).code === '0A000') names.set(text, '');
  throw err;
}

/**
 * A pg client that runs each statement as a named prepared statement: the server parses and plans a
 * text once per connection and then only binds and executes it, instead of parsing and planning it
 * on every call (Kysely sends every query as text with parameters). The name is a hash of the text,
 * so two texts never share one; pg remembers per connection which names it has prepared.
 */
export class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: pg's query() is heavily overloaded; this passes every other form through untouched.
  override query(config: any, values?: any, callback?: any): any {
    // Only statements with parameters: one without goes as a simple query, which may hold several statements (migrations).
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      const name = nameOf(config);
      if (name) return (super.query({ name, text: config, values }) as Promise<unknown>).catch((err: unknown) => forgetOn(config, err));
    }
    return super.query(config, values, callback);
  }
}
