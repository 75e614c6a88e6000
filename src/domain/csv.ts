/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF; a field holding a comma,
 * a double quote, CR or LF is put in double quotes, with each quote inside doubled.
 *
 * Formula injection: a spreadsheet opening the file treats a cell that starts with = + - @ (or a tab
 * or CR, which some strip before looking) as a formula, so a buyer named "=HYPERLINK(…)" could run
 * one on the producer's machine. Such a cell gets a single quote in front (OWASP's advice): the
 * spreadsheet then shows the text as it was typed, and a person reading the file sees the quote.
 * Cells we write ourselves (dates, yes/no, codes) never start with one of these.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function field(cell: string): string {
  const safe = neutraliseFormula(cell);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV document: a header row, then the rows, each line ending in CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => `${r.map(field).join(',')}\r\n`).join('');
}
