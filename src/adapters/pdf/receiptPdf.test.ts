import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptDocument } from '../../app/ports.ts';
import { money } from '../../domain/money.ts';
import { formatTaxRate, pdfkitReceipts, winAnsi } from './receiptPdf.ts';

const eur = (minor: number) => money(minor, 'EUR');

/** A sale at two tax rates: 19% on admission, 7% on the programme (figures as a German theatre would have them). */
const RECEIPT: ReceiptDocument = {
  kind: 'receipt',
  number: 'R-000042',
  issuedAt: new Date('2027-03-01T12:00:00Z'),
  timeZone: 'Europe/Berlin',
  seller: { legalName: 'Théâtre Nordbühne gGmbH', address: 'Hafenstraße 1\n20457 Hamburg', vatId: 'DE123456789' },
  buyer: { name: 'Zoë Müller', email: 'zoe.mueller@example.test' },
  orderCode: 'K7QX2M',
  eventTitle: 'Die Dreigroschenoper',
  performanceStartsAt: new Date('2027-04-01T17:30:00Z'),
  lines: [
    { description: 'Parkett, Reihe 4', quantity: 2, unitGross: eur(3570), net: eur(6000), taxRateBp: 1900, tax: eur(1140), gross: eur(7140) },
    { description: 'Ermäßigt (Schüler)', quantity: 1, unitGross: eur(1070), net: eur(1000), taxRateBp: 700, tax: eur(70), gross: eur(1070) },
    { description: 'Programmheft', quantity: 3, unitGross: eur(535), net: eur(1500), taxRateBp: 700, tax: eur(105), gross: eur(1605) },
  ],
  taxByRate: [
    { rateBp: 1900, net: eur(6000), tax: eur(1140) },
    { rateBp: 700, net: eur(2500), tax: eur(175) },
  ],
  net: eur(8500),
  tax: eur(1315),
  gross: eur(9815),
};

const CREDIT_NOTE: ReceiptDocument = {
  ...RECEIPT,
  kind: 'credit_note',
  number: 'CN-000007',
  refersTo: 'R-000042',
  issuedAt: new Date('2027-03-20T09:15:00Z'),
  lines: [RECEIPT.lines[1]!, { ...RECEIPT.lines[2]!, quantity: 1, net: eur(500), tax: eur(35), gross: eur(535) }],
  taxByRate: [{ rateBp: 700, net: eur(1500), tax: eur(105) }],
  net: eur(1500),
  tax: eur(105),
  gross: eur(1605),
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'marquee-receipt-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** The text a reader (or a tax office's tool) gets out of the PDF, laid out as on the page. */
async function pdfText(pdf: Buffer, name: string): Promise<string> {
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await promisify(execFile)('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']);
  return stdout;
}

describe('the receipt PDF', () => {
  const renderer = pdfkitReceipts();

  it('is a PDF that names the seller, the number, the buyer and the order', async () => {
    const pdf = await renderer.render(RECEIPT);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    const text = await pdfText(pdf, 'receipt');
    expect(text).toMatch(/^\s*Théâtre Nordbühne gGmbH\s+Receipt$/m);
    expect(text).toContain('Hafenstraße 1');
    expect(text).toContain('VAT ID: DE123456789');
    expect(text).toContain('No. R-000042');
    expect(text).not.toContain('Refers to');
    expect(text).toContain('Issued Mon, 1 Mar 2027, 13:00 CET');
    expect(text).toContain('Zoë Müller');
    expect(text).toContain('zoe.mueller@example.test');
    expect(text).toContain('Order K7QX2M');
    expect(text).toContain('Die Dreigroschenoper');
    expect(text).toContain('Performance: Thu, 1 Apr 2027, 19:30 CEST');
  });

  it('shows each line with quantity, unit price, tax rate, tax and total in one row', async () => {
    const text = await pdfText(await renderer.render(RECEIPT), 'receipt-lines');
    expect(text).toMatch(/Description\s+Qty\s+Unit price\s+Tax rate\s+Tax\s+Total/);
    expect(text).toMatch(/Parkett, Reihe 4\s+2\s+€35\.70\s+19%\s+€11\.40\s+€71\.40/);
    expect(text).toMatch(/Ermäßigt \(Schüler\)\s+1\s+€10\.70\s+7%\s+€0\.70\s+€10\.70/);
    expect(text).toMatch(/Programmheft\s+3\s+€5\.35\s+7%\s+€1\.05\s+€16\.05/);
  });

  it('sums the tax per rate and gives net, tax and gross totals', async () => {
    const text = await pdfText(await renderer.render(RECEIPT), 'receipt-totals');
    expect(text).toMatch(/^\s*19%\s+€60\.00\s+€11\.40/m);
    expect(text).toMatch(/^\s*7%\s+€25\.00\s+€1\.75/m);
    expect(text).toMatch(/Net\s+€85\.00$/m);
    expect(text).toMatch(/Tax\s+€13\.15$/m);
    expect(text).toMatch(/Total paid\s+€98\.15$/m);
  });

  it('heads a credit note as one, names the receipt it corrects, and shows the refund as positive amounts', async () => {
    const text = await pdfText(await renderer.render(CREDIT_NOTE), 'credit-note');
    expect(text).toMatch(/^\s*Théâtre Nordbühne gGmbH\s+Credit note$/m);
    expect(text).toContain('No. CN-000007');
    expect(text).toContain('Refers to receipt R-000042');
    expect(text).toContain('REFUNDED TO');
    expect(text).toContain('VAT ID: DE123456789');
    expect(text).toMatch(/Programmheft\s+1\s+€5\.35\s+7%\s+€0\.35\s+€5\.35/);
    expect(text).toMatch(/^\s*7%\s+€15\.00\s+€1\.05/m);
    expect(text).toMatch(/Total refunded\s+€16\.05$/m);
    expect(text).not.toContain('Total paid');
    expect(text).not.toContain('-€');
  });

  it('carries a long order over pages without losing a line, and numbers the pages', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({ ...RECEIPT.lines[0]!, description: `Seat ${i + 1}`, quantity: 1 }));
    const text = await pdfText(await renderer.render({ ...RECEIPT, lines }), 'long');
    const pages = text.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    for (let i = 1; i <= 60; i++) expect(text).toMatch(new RegExp(`Seat ${i}\\s+1\\s+€35\\.70`));
    expect(pages.at(-1)).toMatch(/Total paid\s+€98\.15$/m);
    expect(pages.at(-1)).toContain(`page ${pages.length} of ${pages.length}`);
    expect(pages.at(1)).toMatch(/Description\s+Qty\s+Unit price/);
  });

  it('draws a name outside the built-in fonts legibly rather than as garbage', async () => {
    const text = await pdfText(await renderer.render({ ...RECEIPT, buyer: { name: 'Łukasz Ősz 山田', email: 'l@example.test' } }), 'names');
    expect(text).toContain('Lukasz Osz ??');
    expect(text).toContain('l@example.test');
  });
});

describe('receipt text helpers', () => {
  it('formats tax rates given in basis points', () => {
    expect(formatTaxRate(2000)).toBe('20%');
    expect(formatTaxRate(550)).toBe('5.5%');
    expect(formatTaxRate(0)).toBe('0%');
    expect(formatTaxRate(1234)).toBe('12.34%');
  });

  it('keeps what Windows-1252 has, and replaces the rest', () => {
    expect(winAnsi('Zoë Müller, Hafenstraße, €12.50 – “ok”')).toBe('Zoë Müller, Hafenstraße, €12.50 – “ok”');
    expect(winAnsi('Łódź\u202f19:30')).toBe('Lódz 19:30');
    expect(winAnsi('Петя')).toBe('????');
  });
});
