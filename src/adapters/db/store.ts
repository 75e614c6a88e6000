import type { Repos, Store } from '../../app/ports.ts';
import type { Db } from './connect.ts';
import { accountRepo } from './repos/accounts.ts';
import { auditLog } from './repos/audit.ts';
import { catalogRepo } from './repos/catalog.ts';
import { fraudRepo } from './repos/fraud.ts';
import { holdRepo } from './repos/holds.ts';
import { inventoryRepo } from './repos/inventory.ts';
import { mailRepo } from './repos/mails.ts';
import { orderRepo } from './repos/orders.ts';
import { paymentRepo } from './repos/payments.ts';
import { disclosureRepo, staffRepo, supportRepo } from './repos/platform.ts';
import { receiptRepo } from './repos/receipts.ts';
import { checkInRepo, ticketRepo } from './repos/tickets.ts';
import { dataSubjectRepo } from './repos/subjects.ts';
import { retentionRepo } from './repos/retention.ts';
import { attendeeRepo } from './repos/attendees.ts';
import { mailingRepo } from './repos/mailings.ts';
import { salesRepo } from './repos/sales.ts';
import { credentialRepo } from './repos/credentials.ts';
import { waitingRoomRepo } from './repos/waitingRooms.ts';
import { eventAdminRepo } from './repos/eventAdmin.ts';
import { seatRepo } from './repos/seats.ts';
import { teamRepo } from './repos/team.ts';
import { passkeyRepo } from './repos/passkeys.ts';
import { voucherRepo } from './repos/vouchers.ts';
import { questionRepo } from './repos/questions.ts';

function repos(db: Db): Repos {
  return {
    catalog: catalogRepo(db),
    inventory: inventoryRepo(db),
    holds: holdRepo(db),
    orders: orderRepo(db),
    payments: paymentRepo(db),
    tickets: ticketRepo(db),
    checkIns: checkInRepo(db),
    mails: mailRepo(db),
    accounts: accountRepo(db),
    audit: auditLog(db),
    receipts: receiptRepo(db),
    staff: staffRepo(db),
    support: supportRepo(db),
    disclosures: disclosureRepo(db),
    fraud: fraudRepo(db),
    subjects: dataSubjectRepo(db),
    retention: retentionRepo(db),
    attendees: attendeeRepo(db),
    mailings: mailingRepo(db),
    sales: salesRepo(db),
    credentials: credentialRepo(db),
    waitingRooms: waitingRoomRepo(db),
    eventAdmin: eventAdminRepo(db),
    seats: seatRepo(db),
    team: teamRepo(db),
    passkeys: passkeyRepo(db),
    vouchers: voucherRepo(db),
    questions: questionRepo(db),
  };
}

export function kyselyStore(db: Db): Store {
  return {
    ...repos(db),
    transaction: (fn) => db.transaction().execute((trx) => fn(repos(trx))),
  };
}
