import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';

// jsqr is CommonJS with an ES-style default export; under Node's ESM interop the function sits one level down.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as typeof import('jsqr').default;

/** Renders page 1 of a PDF with poppler's pdftoppm (PPM output) and decodes the QR code on it with jsQR. */
export function decodeQrFromPdf(pdfPath: string, page = 1): string {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-qr-'));
  execFileSync('pdftoppm', ['-r', '150', '-f', String(page), '-l', String(page), pdfPath, join(dir, 'page')]);
  const file = readdirSync(dir).find((f) => f.endsWith('.ppm'));
  if (!file) throw new Error('pdftoppm produced no image');
  const { width, height, rgba } = readPpm(readFileSync(join(dir, file)));
  const qr = jsQR(rgba, width, height);
  if (!qr) throw new Error('no QR code found on the rendered page');
  return qr.data;
}

/** A binary PPM (P6, maxval 255) as RGBA. */
function readPpm(buf: Buffer): { width: number; height: number; rgba: Uint8ClampedArray } {
  const header: string[] = [];
  let i = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[i]!))) i++;
    if (buf[i] === 0x23) {
      while (buf[i] !== 0x0a) i++;
      continue;
    }
    let token = '';
    while (!/\s/.test(String.fromCharCode(buf[i]!))) token += String.fromCharCode(buf[i++]!);
    header.push(token);
  }
  i++; // the single whitespace after maxval
  const [magic, w, h, max] = header;
  if (magic !== 'P6' || max !== '255') throw new Error(`unexpected PPM header ${header.join(' ')}`);
  const width = Number(w);
  const height = Number(h);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba[p * 4] = buf[i + p * 3]!;
    rgba[p * 4 + 1] = buf[i + p * 3 + 1]!;
    rgba[p * 4 + 2] = buf[i + p * 3 + 2]!;
    rgba[p * 4 + 3] = 255;
  }
  return { width, height, rgba };
}
