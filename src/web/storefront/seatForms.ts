import { z } from 'zod';
import { MAX_TICKETS_PER_HOLD } from '../../domain/hold.ts';

const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * The seat part of the hold form (beside `holdForm`'s quantities): the seats ticked on the map or
 * in the list (`seat`, repeated), or a request for the best `best` seats together in `bestZone`.
 */
export const seatChoiceForm = z.object({
  seat: z.union([z.string(), z.array(z.string())], { message: 'One of the chosen seats does not exist.' }).optional().transform(list).pipe(
    z.array(z.uuid({ message: 'One of the chosen seats does not exist.' }), { message: 'One of the chosen seats does not exist.' })
      .max(MAX_TICKETS_PER_HOLD, `You can hold at most ${MAX_TICKETS_PER_HOLD} seats at a time.`),
  ),
  best: z.string().trim().optional().transform((v, ctx) => {
    if (v === undefined || v === '') return null;
    const n = Number(v);
    if (!/^\d{1,2}$/.test(v) || n < 1 || n > MAX_TICKETS_PER_HOLD) {
      ctx.addIssue({ code: 'custom', message: `Ask for 1 to ${MAX_TICKETS_PER_HOLD} seats together.` });
      return z.NEVER;
    }
    return n;
  }),
  bestZone: z.string().trim().max(60, 'There is no such zone.').optional().transform((v) => (v ? v : null)),
}).transform((f) => ({ seatIds: f.seat, best: f.best === null ? null : { count: f.best, zone: f.bestZone } }));
