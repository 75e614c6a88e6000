import { type Result, fail, ok } from '../domain/errors.ts';
import type { AppDeps } from './deps.ts';
import type { EventDetail, EventSummary } from './ports.ts';

export async function listUpcomingEvents(deps: AppDeps): Promise<EventSummary[]> {
  return deps.store.catalog.listUpcomingEvents(deps.clock.now());
}

export async function eventPage(deps: AppDeps, slug: string): Promise<Result<EventDetail>> {
  const event = await deps.store.catalog.eventBySlug(slug, deps.clock.now());
  return event ? ok(event) : fail('not_found', 'There is no such event, or it is no longer on sale.');
}
