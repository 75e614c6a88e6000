import type { Migration, MigrationProvider } from 'kysely/migration';
import * as m001 from './001_skeleton.ts';
import * as m002 from './002_payments.ts';
import * as m003 from './003_pricing.ts';
import * as m004 from './004_receipts.ts';
import * as m005 from './005_audit.ts';
import * as m006 from './006_fraud.ts';
import * as m007 from './007_platform.ts';
import * as m008 from './008_subjects.ts';
import * as m009 from './009_receipt_content.ts';
import * as m010 from './010_accounts.ts';
import * as m011 from './011_mailings.ts';
import * as m012 from './012_quotas.ts';
import * as m013 from './013_quota_counters.ts';

/** Migrations are listed here in order; both databases run exactly these. */
export const migrations: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '001_skeleton': m001, '002_payments': m002, '003_pricing': m003, '004_receipts': m004, '005_audit': m005, '006_fraud': m006,
      '007_platform': m007, '008_subjects': m008, '009_receipt_content': m009, '010_accounts': m010, '011_mailings': m011,
      '012_quotas': m012, '013_quota_counters': m013,
    };
  },
};
