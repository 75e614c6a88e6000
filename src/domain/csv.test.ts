import { describe, expect, it } from 'vitest';
import { neutraliseFormula, toCsv } from './csv.ts';
import { localTimeWithOffset } from './time.ts';

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks as RFC 4180 says, and ends every record with CRLF', () => {
    expect(toCsv(['a', 'b'], [['plain', 'with, comma'], ['say "hi"', 'two\nlines']])).toBe('a,b\r\nplain,"with, comma"\r\n"say ""hi""","two\nlines"\r\n');
  });

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])('puts a quote before a cell a spreadsheet would run: %j', (cell) => {
    expect(neutraliseFormula(cell)).toBe(`'${cell}`);
  });

  it('leaves other cells alone, and quotes a neutralised cell that needs quoting', () => {
    expect(neutraliseFormula('Ada = Lovelace')).toBe('Ada = Lovelace');
    expect(toCsv(['x'], [['=HYPERLINK("u","c")']])).toBe('x\r\n"\'=HYPERLINK(""u"",""c"")"\r\n');
  });
});

describe('localTimeWithOffset', () => {
  it('shows the wall clock of the zone with its offset, on both sides of a change of clocks', () => {
    expect(localTimeWithOffset(new Date('2027-03-01T12:00:00Z'), 'Europe/London')).toBe('2027-03-01 12:00 +00:00');
    expect(localTimeWithOffset(new Date('2027-03-31T12:00:00Z'), 'Europe/London')).toBe('2027-03-31 13:00 +01:00');
    expect(localTimeWithOffset(new Date('2027-01-01T00:30:00Z'), 'America/New_York')).toBe('2026-12-31 19:30 -05:00');
    expect(localTimeWithOffset(new Date('2027-06-01T00:00:00Z'), 'UTC')).toBe('2027-06-01 00:00 +00:00');
  });
});
