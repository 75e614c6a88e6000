import { z } from 'zod';
import { ANSWER_MAX } from '../../domain/question.ts';

/**
 * The checkout form's optional parts: a discount code (`voucherCode`) and answers to the producer's
 * questions (`answer_<question id>`). Anything else in the body is left to `checkoutForm`.
 */
export const checkoutExtrasForm = z
  .object({ voucherCode: z.string().max(64, 'A code is at most 32 characters.').optional() })
  .catchall(z.unknown())
  .transform((body, ctx) => {
    const answers: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      const m = /^answer_([0-9a-f-]{36})$/.exec(key);
      if (!m) continue;
      if (typeof value !== 'string' || value.length > ANSWER_MAX * 2) {
        ctx.addIssue({ code: 'custom', message: `An answer is at most ${ANSWER_MAX} characters.` });
        return z.NEVER;
      }
      answers[m[1]!] = value;
    }
    return { voucherCode: body.voucherCode?.trim() ?? '', answers };
  });

/** The answers as typed, to show back on the form (bounded, never trusted). */
export function echoAnswers(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const m = /^answer_([0-9a-f-]{36})$/.exec(key);
    if (m && typeof value === 'string') out[m[1]!] = value.slice(0, ANSWER_MAX);
  }
  return out;
}
