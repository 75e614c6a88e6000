import ExcelJS from 'exceljs';
import type { SpreadsheetWriter } from '../../app/ports.ts';

/**
 * XLSX with exceljs. Each cell is written as a plain string value, which the file stores as text
 * (a shared string), never as a formula: "=1+1" in a name stays those four characters. So the
 * CSV's formula guard is not applied here, and the workbook keeps the names exactly as given.
 */
export function exceljsSpreadsheets(): SpreadsheetWriter {
  return {
    async xlsx({ name, header, rows }) {
      const workbook = new ExcelJS.Workbook();
      workbook.creator = 'Marquee';
      const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
      sheet.addRow([...header]).font = { bold: true };
      for (const r of rows) sheet.addRow([...r]);
      sheet.columns.forEach((c, i) => {
        c.width = Math.min(40, Math.max(10, header[i]!.length + 2, ...rows.slice(0, 200).map((r) => (r[i]?.length ?? 0) + 2)));
      });
      return Buffer.from(await workbook.xlsx.writeBuffer());
    },
  };
}
