import { randomUUID } from 'node:crypto';
import { type Result, fail, ok } from '../domain/errors.ts';
import { may } from '../domain/policy.ts';
import type { QuestionKind } from '../domain/question.ts';
import type { AppDeps } from './deps.ts';
import type { CheckoutQuestion, ProducerEvent, ProducerQuestionNotice, SessionUser } from './ports.ts';
import { transact } from './transact.ts';

/**
 * Checkout questions (issue 6 §2). Checkout asks nothing beyond a name and an email unless the
 * producer adds a question, and a question cannot exist without a declared purpose: the form's zod
 * schema, this use case and the database's check constraint each refuse one.
 */
export interface QuestionInput {
  eventId: string; kind: QuestionKind; label: string; purpose: string; required: boolean; choices: string[];
}

export const PURPOSE_MIN = 10;
export const PURPOSE_MAX = 500;

export interface QuestionsOverview { events: (ProducerEvent & { questions: CheckoutQuestion[] })[] }

export async function questionsOverview(deps: AppDeps, user: SessionUser): Promise<Result<QuestionsOverview>> {
  if (!may(user.role, 'checkout.configure')) return fail('forbidden', 'Your role cannot change checkout questions.');
  const events = [];
  for (const e of await deps.store.attendees.eventsOf(user.producerId)) {
    events.push({ ...e, questions: await deps.store.questions.forEvent(user.producerId, e.id, { withDisabled: true }) });
  }
  return ok({ events });
}

export async function createQuestion(deps: AppDeps, user: SessionUser, input: QuestionInput): Promise<Result<{ id: string }>> {
  if (!may(user.role, 'checkout.configure')) return fail('forbidden', 'Your role cannot change checkout questions.');
  const label = input.label.trim();
  const purpose = input.purpose.trim();
  if (label === '' || label.length > 200) return fail('invalid_input', 'Write the question (200 characters at most).');
  if (purpose.length < PURPOSE_MIN || purpose.length > PURPOSE_MAX) {
    return fail('invalid_input', `Say why you ask this (${PURPOSE_MIN} to ${PURPOSE_MAX} characters): buyers read it beside the question, and the privacy page lists it.`);
  }
  const choices = input.kind === 'choice' ? [...new Set(input.choices.map((c) => c.trim()).filter((c) => c !== ''))] : null;
  if (choices !== null && (choices.length < 2 || choices.length > 20 || choices.some((c) => c.length > 100))) {
    return fail('invalid_input', 'A choice question needs 2 to 20 answers, one a line, each at most 100 characters.');
  }
  return transact(deps.store, async (tx) => {
    const event = await tx.attendees.eventOf(user.producerId, input.eventId);
    if (!event) return fail('not_found', 'There is no such event.');
    const existing = await tx.questions.forEvent(user.producerId, event.id, { withDisabled: true });
    const id = randomUUID();
    await tx.questions.create({
      id, producerId: user.producerId, eventId: event.id, kind: input.kind, label, purpose, required: input.required, choices,
      sort: existing.length, disabledAt: null, createdAt: deps.clock.now(),
    });
    deps.log.info({ questionId: id, eventId: event.id, userId: user.userId }, 'checkout question added');
    return ok({ id });
  });
}

/** Takes a question off the checkout; answers already given stay with their orders (and go with erasure). */
export async function disableQuestion(deps: AppDeps, user: SessionUser, id: string): Promise<Result<null>> {
  if (!may(user.role, 'checkout.configure')) return fail('forbidden', 'Your role cannot change checkout questions.');
  if (!(await deps.store.questions.disable(user.producerId, id, deps.clock.now()))) return fail('not_found', 'There is no such question.');
  return ok(null);
}

/** What the privacy page says each producer asks at checkout, and why. */
export function questionNotices(deps: AppDeps): Promise<ProducerQuestionNotice[]> {
  return deps.store.questions.notices();
}
