import PDFDocument from 'pdfkit';
import type { ReceiptDocument, ReceiptPdfRenderer } from '../../app/ports.ts';
import { formatMoney } from '../../domain/money.ts';
import { formatInZone } from '../../domain/time.ts';

/**
 * A receipt or credit note on A4: seller, document number, buyer and order, a table of lines, the tax
 * per rate and the totals. A credit note shows what was refunded as positive amounts under its heading.
 */
export function pdfkitReceipts(): ReceiptPdfRenderer {
  return {
    render(doc: ReceiptDocument) {
      const pdf = new PDFDocument({
        size: 'A4', margin: MARGIN, bufferPages: true,
        info: { Title: `${TITLE[doc.kind]} ${doc.number}`, Author: winAnsi(doc.seller.legalName), Producer: 'Marquee', Creator: 'Marquee' },
      });
      const chunks: Buffer[] = [];
      pdf.on('data', (c: Buffer) => chunks.push(c));
      const done = new Promise<Buffer>((resolve, reject) => {
        pdf.on('end', () => resolve(Buffer.concat(chunks)));
        pdf.on('error', reject);
      });
      let y = header(pdf, doc);
      y = parties(pdf, doc, y + 24);
      y = lineTable(pdf, doc, y + 24);
      taxSummary(pdf, doc, y + 20);
      footers(pdf, doc);
      pdf.end();
      return done;
    },
  };
}

type Pdf = PDFKit.PDFDocument;

const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;
const TITLE: Record<ReceiptDocument['kind'], string> = { receipt: 'Receipt', credit_note: 'Credit note' };
const GREY = '#555555';

/** Tax rates come in basis points: 2000 is 20%, 550 is 5.5%. */
export function formatTaxRate(rateBp: number): string {
  return new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 2 }).format(rateBp / 10_000);
}

// Characters of the Windows-1252 code page beyond Latin-1, which the built-in PDF fonts can draw.
const CP1252_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
// Letters whose stroke is not a combining mark, so that taking the marks off leaves nothing.
const STROKED: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ħ: 'H', ħ: 'h', ı: 'i', Ŧ: 'T', ŧ: 't' };

/**
 * The built-in PDF fonts draw Windows-1252 only; pdfkit turns anything else into garbage that also
 * spoils the rest of the line. Letters with marks outside it lose the marks (ő → o, ł → l), the rest become "?",
 * and the narrow spaces that Intl puts in dates become plain ones.
 */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text.replace(/[\u2000-\u200a\u202f\u205f]/g, ' ')) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n' || (code >= 0x20 && code < 0x7f) || (code >= 0xa0 && code <= 0xff) || CP1252_EXTRA.has(ch)) out += ch;
    else {
      const bare = STROKED[ch] ?? ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += bare.length > 0 && [...bare].every((c) => c.charCodeAt(0) < 0x7f) ? bare : '?';
    }
  }
  return out;
}

function text(pdf: Pdf, s: string, x: number, y: number, options: PDFKit.Mixins.TextOptions = {}): number {
  pdf.text(winAnsi(s), x, y, options);
  return pdf.y;
}

/** Seller on the left; the kind of document, its number and date on the right. Returns where it ends. */
function header(pdf: Pdf, doc: ReceiptDocument): number {
  const top = MARGIN;
  const leftWidth = WIDTH * 0.55;
  pdf.fillColor('#000').font('Helvetica-Bold').fontSize(13);
  let left = text(pdf, doc.seller.legalName, MARGIN, top, { width: leftWidth });
  pdf.font('Helvetica').fontSize(9).fillColor(GREY);
  if (doc.seller.address.trim()) left = text(pdf, doc.seller.address.trim(), MARGIN, left + 2, { width: leftWidth });
  if (doc.seller.vatId) left = text(pdf, `VAT ID: ${doc.seller.vatId}`, MARGIN, left + 2, { width: leftWidth });

  const rightX = MARGIN + leftWidth + 10;
  const rightWidth = WIDTH - leftWidth - 10;
  pdf.fillColor('#000').font('Helvetica-Bold').fontSize(22);
  let right = text(pdf, TITLE[doc.kind], rightX, top - 4, { width: rightWidth, align: 'right' });
  pdf.font('Helvetica').fontSize(10);
  right = text(pdf, `No. ${doc.number}`, rightX, right + 2, { width: rightWidth, align: 'right' });
  if (doc.refersTo) right = text(pdf, `Refers to receipt ${doc.refersTo}`, rightX, right, { width: rightWidth, align: 'right' });
  pdf.fontSize(9).fillColor(GREY);
  right = text(pdf, `Issued ${formatInZone(doc.issuedAt, doc.timeZone)}`, rightX, right + 2, { width: rightWidth, align: 'right' });
  return Math.max(left, right);
}

/** The buyer on the left, the order it is for on the right. */
function parties(pdf: Pdf, doc: ReceiptDocument, top: number): number {
  const half = WIDTH / 2 - 10;
  const block = (x: number, heading: string, lines: string[]): number => {
    pdf.font('Helvetica-Bold').fontSize(8).fillColor(GREY);
    let y = text(pdf, heading.toUpperCase(), x, top, { width: half });
    pdf.font('Helvetica').fontSize(10).fillColor('#000');
    for (const l of lines) y = text(pdf, l, x, y + 1, { width: half });
    return y;
  };
  const buyer = block(MARGIN, doc.kind === 'receipt' ? 'Sold to' : 'Refunded to', [doc.buyer.name || 'Not named (sold at the counter)', ...(doc.buyer.email ? [doc.buyer.email] : [])]);
  const order = block(MARGIN + WIDTH / 2 + 10, 'Order', [
    `Order ${doc.orderCode}`, doc.eventTitle, `Performance: ${formatInZone(doc.performanceStartsAt, doc.timeZone)}`,
  ]);
  let y = Math.max(buyer, order);
  if (doc.kind === 'credit_note') {
    pdf.font('Helvetica').fontSize(9).fillColor(GREY);
    const corrects = doc.refersTo ? `, correcting receipt ${doc.refersTo}` : '';
    y = text(pdf, `The amounts below were refunded${corrects}.`, MARGIN, y + 14, { width: WIDTH });
  }
  return y;
}

interface Column { title: string; width: number; align: 'left' | 'right' }
const COLUMNS: Column[] = [
  { title: 'Description', width: 185, align: 'left' },
  { title: 'Qty', width: 35, align: 'right' },
  { title: 'Unit price', width: 70, align: 'right' },
  { title: 'Tax rate', width: 50, align: 'right' },
  { title: 'Tax', width: 70, align: 'right' },
  { title: 'Total', width: 85, align: 'right' },
];
const CELL_PAD = 4;

/** One row of cells; the description may wrap, the figures do not. Returns the row's height. */
function row(pdf: Pdf, cells: string[], y: number, columns: Column[] = COLUMNS): number {
  let x = MARGIN;
  let height = 0;
  for (const [i, column] of columns.entries()) {
    const s = winAnsi(cells[i] ?? '');
    const width = column.width - (i === 0 ? CELL_PAD : 0);
    height = Math.max(height, pdf.heightOfString(s, { width }));
    pdf.text(s, x, y, { width, align: column.align });
    x += column.width;
  }
  return height;
}

function rule(pdf: Pdf, y: number, width = WIDTH, x = MARGIN): void {
  pdf.moveTo(x, y).lineTo(x + width, y).lineWidth(0.5).strokeColor('#999999').stroke();
}

function bottom(pdf: Pdf): number {
  return pdf.page.height - MARGIN - 20;
}

function lineTable(pdf: Pdf, doc: ReceiptDocument, top: number): number {
  const headerRow = (y: number): number => {
    pdf.font('Helvetica-Bold').fontSize(9).fillColor('#000');
    const h = row(pdf, COLUMNS.map((c) => c.title), y);
    rule(pdf, y + h + 3);
    return y + h + 7;
  };
  let y = headerRow(top);
  for (const line of doc.lines) {
    pdf.font('Helvetica').fontSize(9);
    const cells = [
      line.description, String(line.quantity), formatMoney(line.unitGross), formatTaxRate(line.taxRateBp), formatMoney(line.tax), formatMoney(line.gross),
    ];
    if (y + pdf.heightOfString(winAnsi(line.description), { width: COLUMNS[0]!.width - CELL_PAD }) > bottom(pdf)) {
      pdf.addPage();
      y = headerRow(MARGIN);
      pdf.font('Helvetica').fontSize(9);
    }
    y += row(pdf, cells, y) + 5;
  }
  rule(pdf, y - 2);
  return y;
}

/** Tax per rate on the left, the totals on the right, kept together on one page. */
function taxSummary(pdf: Pdf, doc: ReceiptDocument, top: number): number {
  const summaryColumns: Column[] = [
    { title: 'Tax rate', width: 60, align: 'left' },
    { title: 'Net', width: 80, align: 'right' },
    { title: 'Tax', width: 80, align: 'right' },
  ];
  const needed = 30 + 14 * Math.max(doc.taxByRate.length + 1, 4);
  let y = top;
  if (y + needed > bottom(pdf)) {
    pdf.addPage();
    y = MARGIN;
  }
  pdf.font('Helvetica-Bold').fontSize(9).fillColor('#000');
  let left = y + row(pdf, summaryColumns.map((c) => c.title), y, summaryColumns) + 3;
  rule(pdf, left, 220);
  left += 4;
  pdf.font('Helvetica');
  for (const t of doc.taxByRate) left += row(pdf, [formatTaxRate(t.rateBp), formatMoney(t.net), formatMoney(t.tax)], left, summaryColumns) + 3;

  const labelX = MARGIN + WIDTH - 240;
  const total = (label: string, amount: string, at: number, bold = false): number => {
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(bold ? 11 : 9).fillColor('#000');
    text(pdf, label, labelX, at, { width: 140 });
    return text(pdf, amount, labelX + 140, at, { width: 100, align: 'right' }) + 3;
  };
  let right = total('Net', formatMoney(doc.net), y);
  right = total('Tax', formatMoney(doc.tax), right);
  rule(pdf, right, 240, labelX);
  right = total(doc.kind === 'receipt' ? 'Total paid' : 'Total refunded', formatMoney(doc.gross), right + 4, true);
  return Math.max(left, right);
}

/** On every page: what this is and which page, below the bottom margin. */
function footers(pdf: Pdf, doc: ReceiptDocument): void {
  const { start, count } = pdf.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    const keep = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0; // writing below it would otherwise start a new page
    pdf.font('Helvetica').fontSize(8).fillColor(GREY);
    text(pdf, `${TITLE[doc.kind]} ${doc.number} · ${doc.seller.legalName} · page ${i - start + 1} of ${count}`, MARGIN, pdf.page.height - MARGIN + 10, {
      width: WIDTH, align: 'center', lineBreak: false,
    });
    pdf.page.margins.bottom = keep;
  }
}
