import { type Result, fail, ok } from './errors.ts';

/**
 * Checkout questions (issue 6 §2): a producer may ask a buyer more than checkout needs, but only with
 * a declared purpose, which the buyer reads beside the field and the privacy page lists.
 */
export type QuestionKind = 'text' | 'yes_no' | 'choice';

export const ANSWER_MAX = 500;

export interface AskedQuestion { id: string; kind: QuestionKind; label: string; required: boolean; choices: string[] | null }

/**
 * Checks the buyer's answers against the questions: a required one must be answered, a yes/no is
 * "yes" or "no", a choice one of its choices, a text at most 500 characters. Blank optional answers
 * are left out (nothing is stored for them). Answers to questions not asked are ignored.
 */
export function checkAnswers(questions: readonly AskedQuestion[], given: Readonly<Record<string, string>>): Result<{ questionId: string; answer: string }[]> {
  const out: { questionId: string; answer: string }[] = [];
  const problems: Record<string, string> = {};
  for (const q of questions) {
    const answer = (given[q.id] ?? '').trim();
    if (answer === '') {
      if (q.required) problems[q.id] = `Answer “${q.label}”.`;
      continue;
    }
    if (q.kind === 'yes_no' && answer !== 'yes' && answer !== 'no') problems[q.id] = `Answer “${q.label}” with yes or no.`;
    else if (q.kind === 'choice' && !(q.choices ?? []).includes(answer)) problems[q.id] = `Choose one of the answers to “${q.label}”.`;
    else if (answer.length > ANSWER_MAX) problems[q.id] = `The answer to “${q.label}” is too long (${ANSWER_MAX} characters at most).`;
    else out.push({ questionId: q.id, answer });
  }
  if (Object.keys(problems).length > 0) return fail('invalid_input', Object.values(problems).join(' '), { answers: problems });
  return ok(out);
}

export function answerText(kind: QuestionKind, answer: string): string {
  return kind === 'yes_no' ? (answer === 'yes' ? 'Yes' : 'No') : answer;
}
