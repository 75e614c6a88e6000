import { randomUUID } from 'node:crypto';
import type { AuditEntry, AuditLog } from '../../../app/ports.ts';
import { auditHash } from '../../../domain/audit.ts';
import type { Db } from '../connect.ts';
import type { AuditEntriesTable } from '../schema.ts';
import type { Selectable } from 'kysely';

function toEntry(r: Selectable<AuditEntriesTable>): AuditEntry {
  return { ...r, seq: Number(r.seq), actorKind: r.actorKind as AuditEntry['actorKind'] };
}

/** Appends under a lock on audit_head, so concurrent appends form one chain with no gaps. */
export function auditLog(db: Db): AuditLog {
  return {
    async record(input) {
      const append = async (tx: Db) => {
        const head = await tx.selectFrom('auditHead').where('id', '=', 1).select(['seq', 'hash']).forUpdate().executeTakeFirstOrThrow();
        const entry = {
          seq: Number(head.seq) + 1, id: randomUUID(), at: input.at, actorKind: input.actorKind, actorId: input.actorId,
          producerId: input.producerId, action: input.action, subject: input.subject, reason: input.reason, detail: JSON.stringify(input.detail ?? {}),
        };
        const hash = auditHash(head.hash, entry);
        await tx.insertInto('auditEntries').values({ ...entry, prevHash: head.hash, hash }).execute();
        await tx.updateTable('auditHead').set({ seq: entry.seq, hash }).where('id', '=', 1).execute();
      };
      // Inside a use case's transaction this joins it; called on the pool it makes its own.
      if (db.isTransaction) await append(db);
      else await db.transaction().execute((tx) => append(tx));
    },
    async entries(afterSeq, limit) {
      const rows = await db.selectFrom('auditEntries').where('seq', '>', afterSeq).selectAll().orderBy('seq').limit(limit).execute();
      return rows.map(toEntry);
    },
    async head() {
      const h = await db.selectFrom('auditHead').where('id', '=', 1).select(['seq', 'hash']).executeTakeFirstOrThrow();
      return { seq: Number(h.seq), hash: h.hash };
    },
    async forProducer(producerId, limit) {
      const rows = await db.selectFrom('auditEntries').where('producerId', '=', producerId).selectAll().orderBy('seq', 'desc').limit(limit).execute();
      return rows.map(toEntry);
    },
  };
}
