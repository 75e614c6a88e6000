import { migrate, openDatabase } from '/work/wt-inv/src/adapters/db/connect.ts';
const db = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/inv_bench' });
await migrate(db);
await db.destroy();
