import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselyStore } from '../../src/adapters/db/store.ts';
import { argon2idHasher } from '../../src/adapters/keys/passwords.ts';
import { staffLogIn } from '../../src/app/staff.ts';
import { settingsSchema } from '../../src/config.ts';
import { type TestBoxOffice, testBoxOffice } from '../support/boxOffice.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Run { code: number; stdout: string; stderr: string }

/** `npx tsx scripts/<script>`, as npm runs it, with only these settings (none inherited from vitest). */
function run(script: string, settings: Record<string, string>, args: string[] = []): Promise<Run> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !(k in settingsSchema.shape)) childEnv[k] = v;
  Object.assign(childEnv, settings);
  return new Promise((resolve) => {
    execFile('npx', ['tsx', `scripts/${script}`, ...args], { cwd: ROOT, env: childEnv }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('npm run audit:verify on PostgreSQL', () => {
  let tdb: TestDatabase;
  const verify = () => run('audit-verify.ts', { DATABASE_URL: tdb.url!, DATA_DIR: '/nonexistent' });

  beforeAll(async () => {
    tdb = await freshDatabase('postgres');
    const store = kyselyStore(tdb.db);
    for (let i = 1; i <= 12; i++) {
      await store.audit.record({ actorKind: 'system', actorId: null, producerId: null, action: 'test.append', subject: `order:${i}`, reason: 'test', at: new Date() });
    }
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('passes an intact chain', async () => {
    const r = await verify();
    expect(r.stdout).toBe('audit-verify: entries=12 ok\n');
    expect(r.code).toBe(0);
  });

  it('names the seq of a changed subject, and passes again once it is put back', async () => {
    await tdb.db.updateTable('auditEntries').set({ subject: 'order:someone-else' }).where('seq', '=', 7).execute();
    const r = await verify();
    expect(r.stdout).toBe('audit-verify: broken at seq=7 (entries before it verified: 6)\n');
    expect(r.code).toBe(1);
    await tdb.db.updateTable('auditEntries').set({ subject: 'order:7' }).where('seq', '=', 7).execute();
    expect((await verify()).code).toBe(0);
  });

  it('names the seq of an edited hash, of a deleted entry, and of deleted newest entries', async () => {
    const row = await tdb.db.selectFrom('auditEntries').where('seq', '=', 4).select('hash').executeTakeFirstOrThrow();
    await tdb.db.updateTable('auditEntries').set({ hash: '0'.repeat(64) }).where('seq', '=', 4).execute();
    expect((await verify()).stdout).toBe('audit-verify: broken at seq=4 (entries before it verified: 3)\n');
    await tdb.db.updateTable('auditEntries').set({ hash: row.hash }).where('seq', '=', 4).execute();

    await tdb.db.deleteFrom('auditEntries').where('seq', '=', 12).execute();
    const tail = await verify();
    expect(tail.stdout).toBe('audit-verify: broken at seq=12 (entries before it verified: 11)\n');
    expect(tail.code).toBe(1);

    await tdb.db.deleteFrom('auditEntries').where('seq', '=', 9).execute();
    const gap = await verify();
    expect(gap.stdout).toBe('audit-verify: broken at seq=9 (entries before it verified: 8)\n');
    expect(gap.code).toBe(1);
  });

  it('exits 2 when it cannot check', async () => {
    const noDb = new URL(tdb.url!);
    noDb.pathname = '/marquee_missing_audit';
    const r = await run('audit-verify.ts', { DATABASE_URL: noDb.toString() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/audit-verify: error: .*does not exist/);
  });
});

describe('npm run admin:create on PostgreSQL', () => {
  let tdb: TestDatabase;
  let box: TestBoxOffice;
  beforeAll(async () => {
    tdb = await freshDatabase('postgres');
    box = await testBoxOffice(tdb.db);
  });
  afterAll(async () => {
    await box?.close();
    await tdb?.drop();
  });

  it('creates a staff member and prints the password once, only on stdout', async () => {
    const r = await run('admin-create.ts', { DATABASE_URL: tdb.url! }, ['--email', 'Ops@Platform.test', '--name', 'Ops', '--role', 'admin']);
    expect(r.code).toBe(0);
    const password = r.stdout.trim();
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(r.stderr).not.toContain(password);
    const row = await tdb.db.selectFrom('platformStaff').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: 'ops@platform.test', role: 'admin' });
    expect(row.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await argon2idHasher().verify(row.passwordHash, password)).toBe(true);
    expect((await staffLogIn(box.deps, 'ops@platform.test', password)).ok).toBe(true);

    const again = await run('admin-create.ts', { DATABASE_URL: tdb.url! }, ['--email', 'ops@platform.test', '--name', 'Ops', '--role', 'admin']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('exists already');
    const badRole = await run('admin-create.ts', { DATABASE_URL: tdb.url! }, ['--email', 'x@platform.test', '--name', 'X', '--role', 'owner']);
    expect(badRole.code).toBe(1);
  });
});
