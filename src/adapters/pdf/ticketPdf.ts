import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { TicketPdfInput, TicketPdfRenderer } from '../../app/ports.ts';
import { formatInZone } from '../../domain/time.ts';

/**
 * The QR code drawn as vector squares (one rectangle per run of dark modules, with the standard quiet
 * zone of 4 modules): crisp at any zoom, and far cheaper than encoding a PNG that pdfkit then decodes
 * again, which was most of a box office's CPU during an on-sale (bench/onsale.ts).
 */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, width: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const cell = width / (modules.size + 2 * quiet);
  doc.save();
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; ) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      let end = col;
      while (end < modules.size && modules.get(row, end)) end++;
      doc.rect(x + (quiet + col) * cell, y + (quiet + row) * cell, (end - col) * cell, cell);
      col = end;
    }
  }
  doc.fill('#000').restore();
}

/** One A4 page per ticket: event, date in the venue's zone, venue, type, attendee, and the signed QR code. */
export function pdfkitTickets(): TicketPdfRenderer {
  return {
    async render(input: TicketPdfInput) {
      const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Tickets ${input.orderCode}`, Producer: 'Marquee', Creator: 'Marquee' } });
      const chunks: Buffer[] = [];
      doc.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise<Buffer>((resolve, reject) => {
        doc.on('end', () => resolve(Buffer.concat(chunks)));
        doc.on('error', reject);
      });
      const when = formatInZone(input.startsAt, input.timeZone);
      for (const [i, t] of input.tickets.entries()) {
        if (i > 0) doc.addPage();
        doc.font('Helvetica').fontSize(10).fillColor('#555').text(input.producerName.toUpperCase());
        doc.moveDown(0.5).font('Helvetica-Bold').fontSize(26).fillColor('#000').text(input.eventTitle);
        doc.moveDown(0.5).font('Helvetica').fontSize(14).text(when);
        doc.text(input.venueName);
        if (input.venueAddress) doc.fontSize(11).fillColor('#333').text(input.venueAddress);
        doc.moveDown(1).fillColor('#000').fontSize(12).text(`Ticket: ${t.ticketTypeName}`);
        if (t.seat) doc.font('Helvetica-Bold').text(`Seat: ${t.seat}`).font('Helvetica');
        doc.text(`Name: ${t.attendeeName}`);
        doc.text(`Order: ${input.orderCode}    Ticket ${i + 1} of ${input.tickets.length}`);
        drawQr(doc, t.code, 50, 330, 260);
        doc.font('Courier').fontSize(7).fillColor('#444').text(t.code, 50, 600, { width: 495 });
        doc.font('Helvetica').fontSize(9).text('Show this code at the door. Each ticket admits one person once.', 50, 640);
      }
      doc.end();
      return done;
    },
  };
}
