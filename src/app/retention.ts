import { daysBefore, monthsBefore } from '../domain/subject.ts';
import type { AppDeps } from './deps.ts';

export interface RetentionReport {
  /** The IP, ISP and ASN columns found in the schema (table.column), and how many rows had them cleared. */
  networkColumns: string[];
  networkRows: number;
  /** Orders whose buyer data was anonymised because their event ended long enough ago. */
  buyersAnonymised: number;
  /** Abandoned orders (their hold expired unconverted): deleted when no money moved, else anonymised. */
  abandonedDeleted: number;
  abandonedAnonymised: number;
  holdsDeleted: number;
  /** Password-reset token hashes that expired before the abandoned-data period. */
  resetTokens: number;
  /** Email-verification token hashes, invitations (with the invitee's address) and passkey challenges ended before that period. */
  accountLinks: number;
  /** Orders left alone because a legal hold is in force. */
  keptForLegalHold: number;
  outboxMails: number;
  subjectMails: number;
  devOutboxMails: number;
}

/**
 * Applies the retention periods (config.retention, issue 7 §9), once a day, in one transaction that
 * ends with one audit entry holding the counts:
 * - IP, ISP and ASN, wherever the schema has them, after ipDays;
 * - buyers' personal data, buyerDataMonths after the event's last performance (anonymised: orders and
 *   payments stay for the accounts);
 * - abandoned holds and their unpaid orders after abandonedDays (an order that money moved for is
 *   anonymised instead of deleted);
 * - mail sent (order outbox, subject outbox, dev outbox) after abandonedDays.
 * Orders under a legal hold in force are kept as they are, network data aside (a hold keeps the order,
 * not the fraud-check data).
 */
export async function applyRetention(deps: AppDeps): Promise<RetentionReport> {
  const now = deps.clock.now();
  const periods = deps.settings.retention;
  const abandonedBefore = daysBefore(now, periods.abandonedDays);
  const report = await deps.store.transaction(async (tx) => {
    const network = await tx.retention.clearNetworkData(daysBefore(now, periods.ipDays));
    const ended = await tx.retention.ordersOfEventsEndedBefore(monthsBefore(now, periods.buyerDataMonths));
    const abandoned = await tx.retention.abandonedOrders(abandonedBefore);
    const candidates = [...ended, ...abandoned];
    // A counter buyer may have given no address: such an order is held only by its id.
    const refs = new Map(candidates.flatMap((c) => (c.email === null ? [] : [[c.email, deps.keys.subjectRef(c.email)] as const])));
    const holds = await tx.subjects.legalHolds([...new Set(refs.values())], candidates.map((c) => c.orderId), now);
    const heldRefs = new Set(holds.map((h) => h.subjectRef));
    const heldOrders = new Set(holds.map((h) => h.orderId));
    const held = (c: { orderId: string; email: string | null }) => heldOrders.has(c.orderId) || (c.email !== null && heldRefs.has(refs.get(c.email)!));

    const toDelete = new Set(abandoned.filter((c) => !c.moneyMoved && !held(c)).map((c) => c.orderId));
    const abandonedToAnonymise = abandoned.filter((c) => c.moneyMoved && !held(c)).map((c) => c.orderId);
    const endedToAnonymise = ended.filter((c) => !held(c) && !toDelete.has(c.orderId)).map((c) => c.orderId);
    const toAnonymise = [...new Set([...endedToAnonymise, ...abandonedToAnonymise])];
    // Per order, not per address: the same buyer may have later orders whose time has not come.
    const anonymised = await tx.subjects.anonymise(toAnonymise, []);
    const deleted = await tx.retention.deleteUnpaidOrders([...toDelete]);
    const holdsDeleted = await tx.retention.deleteAbandonedHolds(abandonedBefore);
    const mail = await tx.retention.deleteOldMail(abandonedBefore);
    const accountLinks = await tx.team.deleteOldLinks(abandonedBefore);

    const r: RetentionReport = {
      networkColumns: network.columns, networkRows: network.rows,
      buyersAnonymised: endedToAnonymise.length, abandonedDeleted: deleted, abandonedAnonymised: abandonedToAnonymise.filter((id) => !endedToAnonymise.includes(id)).length,
      holdsDeleted, keptForLegalHold: new Set(candidates.filter(held).map((c) => c.orderId)).size,
      outboxMails: mail.outbox, subjectMails: mail.subjectMails, devOutboxMails: mail.devOutbox + anonymised.outboxMails,
      resetTokens: mail.resetTokens, accountLinks,
    };
    await tx.audit.record({
      actorKind: 'system', actorId: null, producerId: null, action: 'retention.apply', subject: 'retention', reason: 'retention periods in force',
      detail: {
        ipDays: periods.ipDays, buyerDataMonths: periods.buyerDataMonths, abandonedDays: periods.abandonedDays,
        networkColumns: r.networkColumns.join(',') || null, networkRows: r.networkRows, buyersAnonymised: r.buyersAnonymised,
        abandonedDeleted: r.abandonedDeleted, abandonedAnonymised: r.abandonedAnonymised, holdsDeleted: r.holdsDeleted,
        keptForLegalHold: r.keptForLegalHold, outboxMails: r.outboxMails, subjectMails: r.subjectMails, devOutboxMails: r.devOutboxMails,
        resetTokens: r.resetTokens, accountLinks: r.accountLinks,
      },
      at: now,
    });
    return r;
  });
  deps.log.info({ ...report, networkColumns: report.networkColumns.length }, 'retention applied');
  return report;
}
