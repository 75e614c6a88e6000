import { type Failure, FailureError, type Result } from '../domain/errors.ts';
import type { Repos, Store } from './ports.ts';

/** Runs a use case's writes in one transaction; a Failure thrown inside rolls back and comes out as a value. */
export async function transact<T>(store: Store, fn: (tx: Repos) => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await store.transaction(async (tx) => {
      const result = await fn(tx);
      if (!result.ok) throw new FailureError(result);
      return result;
    });
  } catch (e) {
    if (e instanceof FailureError) return e.failure as Failure;
    throw e;
  }
}
