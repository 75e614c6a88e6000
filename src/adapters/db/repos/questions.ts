import type { Selectable } from 'kysely';
import type { CheckoutQuestion, ProducerQuestionNotice, QuestionRepo } from '../../../app/ports.ts';
import type { QuestionKind } from '../../../domain/question.ts';
import type { Db } from '../connect.ts';
import type { CheckoutQuestionsTable } from '../schema.ts';

function question(r: Selectable<CheckoutQuestionsTable>): CheckoutQuestion {
  return {
    id: r.id, producerId: r.producerId, eventId: r.eventId, kind: r.kind as QuestionKind, label: r.label, purpose: r.purpose,
    required: r.required, choices: r.choices === null ? null : (JSON.parse(r.choices) as string[]), sort: r.sort, disabledAt: r.disabledAt,
  };
}

/** Checkout questions and the answers kept with orders. Every read of questions names the producer. */
export function questionRepo(db: Db): QuestionRepo {
  return {
    async create(q) {
      await db.insertInto('checkoutQuestions').values({
        id: q.id, producerId: q.producerId, eventId: q.eventId, kind: q.kind, label: q.label, purpose: q.purpose, required: q.required,
        choices: q.choices === null ? null : JSON.stringify(q.choices), sort: q.sort, disabledAt: q.disabledAt, createdAt: q.createdAt,
      }).execute();
    },
    async forEvent(producerId, eventId, opts) {
      let q = db.selectFrom('checkoutQuestions').where('producerId', '=', producerId).where('eventId', '=', eventId).selectAll().orderBy('sort').orderBy('createdAt').orderBy('id');
      if (!opts?.withDisabled) q = q.where('disabledAt', 'is', null);
      return (await q.execute()).map(question);
    },
    async disable(producerId, id, now) {
      const r = await db.updateTable('checkoutQuestions').set({ disabledAt: now }).where('producerId', '=', producerId).where('id', '=', id).where('disabledAt', 'is', null).returning('id').executeTakeFirst();
      if (r) return true;
      return (await db.selectFrom('checkoutQuestions').where('producerId', '=', producerId).where('id', '=', id).select('id').executeTakeFirst()) !== undefined;
    },
    async saveAnswers(orderId, answers) {
      await db.deleteFrom('orderAnswers').where('orderId', '=', orderId).execute();
      if (answers.length > 0) await db.insertInto('orderAnswers').values(answers.map((a) => ({ orderId, questionId: a.questionId, answer: a.answer }))).execute();
    },
    async answersOf(orderId) {
      const rows = await db
        .selectFrom('orderAnswers as a')
        .innerJoin('checkoutQuestions as q', 'q.id', 'a.questionId')
        .where('a.orderId', '=', orderId)
        .select(['a.questionId', 'q.label', 'q.purpose', 'q.kind', 'a.answer'])
        .orderBy('q.sort')
        .orderBy('q.createdAt')
        .execute();
      return rows.map((r) => ({ ...r, kind: r.kind as QuestionKind }));
    },
    async notices() {
      const rows = await db
        .selectFrom('checkoutQuestions as q')
        .innerJoin('events as e', 'e.id', 'q.eventId')
        .innerJoin('producers as p', 'p.id', 'q.producerId')
        .where('q.disabledAt', 'is', null)
        .where('e.published', '=', true)
        .select(['p.name as producerName', 'e.title as eventTitle', 'e.id as eventId', 'q.label', 'q.purpose', 'q.required'])
        .orderBy('p.name')
        .orderBy('e.title')
        .orderBy('e.id')
        .orderBy('q.sort')
        .orderBy('q.createdAt')
        .execute();
      const out: (ProducerQuestionNotice & { eventId: string })[] = [];
      for (const r of rows) {
        if (out.at(-1)?.eventId !== r.eventId) out.push({ producerName: r.producerName, eventTitle: r.eventTitle, eventId: r.eventId, questions: [] });
        out.at(-1)!.questions.push({ label: r.label, purpose: r.purpose, required: r.required });
      }
      return out.map(({ eventId: _, ...n }) => n);
    },
  };
}
