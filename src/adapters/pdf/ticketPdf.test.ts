import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeQrFromPdf } from '../../../test/support/qr.ts';
import { pdfkitTickets } from './ticketPdf.ts';

describe('ticket PDF', () => {
  it('draws a QR code that a scanner reads back as the ticket code, on every page', async () => {
    const codes = ['AQAx7Yk2m4Qp-ticket-one_signed-payload-0123456789abcdefghijklmnopqrstuvwxyz', 'AQB-second_ticket-code-9876543210'];
    const pdf = await pdfkitTickets().render({
      orderCode: 'MQ-TEST', producerName: 'Test Producer', eventTitle: 'Hamlet', startsAt: new Date('2027-04-01T18:30:00Z'), timeZone: 'Europe/London',
      venueName: 'Test Hall', venueAddress: '1 Test Road',
      tickets: codes.map((code, i) => ({ id: `t${i}`, code, ticketTypeName: 'Adult', attendeeName: 'Ada Lovelace' })),
    });
    const file = join(mkdtempSync(join(tmpdir(), 'marquee-ticket-pdf-')), 'tickets.pdf');
    writeFileSync(file, pdf);
    expect(decodeQrFromPdf(file, 1)).toBe(codes[0]);
    expect(decodeQrFromPdf(file, 2)).toBe(codes[1]);
  });
});
