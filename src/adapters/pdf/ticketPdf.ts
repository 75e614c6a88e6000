import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { TicketPdfInput, TicketPdfRenderer } from '../../app/ports.ts';
import { formatInZone } from '../../domain/time.ts';

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
        const qr = await QRCode.toBuffer(t.code, { errorCorrectionLevel: 'M', margin: 4, scale: 8, type: 'png' });
        doc.image(qr, 50, 330, { width: 260 });
        doc.font('Courier').fontSize(7).fillColor('#444').text(t.code, 50, 600, { width: 495 });
        doc.font('Helvetica').fontSize(9).text('Show this code at the door. Each ticket admits one person once.', 50, 640);
      }
      doc.end();
      return done;
    },
  };
}
