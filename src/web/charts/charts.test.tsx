import { renderToString } from 'preact-render-to-string';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { describe, expect, it } from 'vitest';
import { ColumnChart, type Series, StackedBarChart } from './charts.tsx';

interface Element { name: string; attributes: Record<string, string>; text: string }

/** Parses the chart's <svg> with a strict XML parser (it throws on anything not well-formed), and lists its elements. */
function svgElements(html: string): Element[] {
  const svg = /<svg[\s\S]*?<\/svg>/.exec(html)![0];
  const parser = new SaxesParser({ xmlns: false });
  const out: Element[] = [];
  const open: Element[] = [];
  parser.on('opentag', (t: SaxesTagPlain) => {
    const e = { name: t.name, attributes: t.attributes as Record<string, string>, text: '' };
    out.push(e);
    open.push(e);
  });
  parser.on('text', (text) => { if (open.length) open[open.length - 1]!.text += text; });
  parser.on('closetag', () => { open.pop(); });
  parser.write(svg).close();
  return out;
}

const SERIES: Series[] = [
  { key: 'sold', label: 'Sold', className: 'chart-sold', fill: '#000' },
  { key: 'held', label: 'Held', className: 'chart-held', fill: '#999' },
  { key: 'available', label: 'Available', className: 'chart-available', fill: '#fff' },
];
const NASTY = '<script>alert("x")</script> & Co';
/** How NASTY reads in the markup: < & and " escaped (> needs no escape in text). */
const ESCAPED = '&lt;script>alert(&quot;x&quot;)&lt;/script> &amp; Co';

describe('ColumnChart', () => {
  const html = renderToString(
    <ColumnChart id="c" title={`Per day ${NASTY}`} desc="Tickets" labelHeader="Day" valueLabel="Tickets"
      columns={[{ label: '1 Mar', value: 2 }, { label: NASTY, value: 8 }, { label: '3 Mar', value: 0 }, { label: '4 Mar', value: 4 }]} />,
  );
  const els = svgElements(html);

  it('is well-formed SVG, an image named by its title and description, with no style attribute', () => {
    const svg = els[0]!;
    expect(svg.name).toBe('svg');
    expect(svg.attributes.role).toBe('img');
    expect(svg.attributes['aria-labelledby']).toBe('c-title c-desc');
    expect(els.find((e) => e.name === 'title')!.text).toBe(`Per day ${NASTY}`);
    expect(els.find((e) => e.name === 'desc')!.text).toBe('Tickets');
    expect(els.filter((e) => 'style' in e.attributes)).toEqual([]);
    expect(html).not.toContain('style=');
  });

  it('draws bar heights proportional to the values, the largest filling the plot', () => {
    const bars = els.filter((e) => e.attributes.class === 'chart-bar');
    expect(bars.map((b) => Number(b.attributes['data-value']))).toEqual([2, 8, 0, 4]);
    const heights = bars.map((b) => Number(b.attributes.height));
    expect(heights[1]).toBe(150);
    expect(heights).toEqual([37.5, 150, 0, 75]);
    // Every bar stands on the same baseline.
    expect(new Set(bars.map((b) => Number(b.attributes.y) + Number(b.attributes.height)))).toEqual(new Set([170]));
  });

  it('escapes labels and titles: the text comes back verbatim, never as markup', () => {
    expect(html).not.toContain('<script>');
    expect(els.some((e) => e.name === 'script')).toBe(false);
    expect(els.filter((e) => e.name === 'text').map((e) => e.text)).toContain(NASTY);
    expect(html).toContain(ESCAPED);
  });

  it('puts the same numbers in a data table', () => {
    const rows = [...html.matchAll(/<tr><th scope="row">([^<]*)<\/th><td class="num">(\d+)<\/td><\/tr>/g)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual([['1 Mar', 2], [ESCAPED, 8], ['3 Mar', 0], ['4 Mar', 4]]);
  });
});

describe('StackedBarChart', () => {
  const html = renderToString(
    <StackedBarChart id="s" title="Capacity" desc="By type" labelHeader="Ticket type" series={SERIES}
      rows={[{ label: 'Adult', values: { sold: 3, held: 1, available: 6 } }, { label: 'Student', values: { sold: 5, held: 0, available: 0 } }]} />,
  );
  const els = svgElements(html);

  it('splits each row into its series, widths proportional on one scale shared by all rows', () => {
    const adult = els.filter((e) => e.name === 'rect' && e.attributes['data-series'] && Number(e.attributes.y) === 20);
    expect(adult.map((r) => [r.attributes['data-series'], Number(r.attributes.width)])).toEqual([['sold', 177.6], ['held', 59.2], ['available', 355.2]]);
    // Segments follow each other.
    expect(Number(adult[1]!.attributes.x)).toBeCloseTo(Number(adult[0]!.attributes.x) + 177.6, 2);
    const student = els.filter((e) => e.name === 'rect' && e.attributes['data-series'] && Number(e.attributes.y) === 64);
    // Zero segments are not drawn; 5 of a scale of 10.
    expect(student.map((r) => [r.attributes['data-series'], Number(r.attributes.width)])).toEqual([['sold', 296]]);
  });

  it('writes each row\'s numbers as text, so it reads without colour, and in the table', () => {
    const texts = els.filter((e) => e.name === 'text').map((e) => e.text);
    expect(texts).toEqual(['Adult: 3 sold, 1 held, 6 available', 'Student: 5 sold, 0 held, 0 available']);
    expect(html).toContain('<tr><th scope="row">Adult</th><td class="num">3</td><td class="num">1</td><td class="num">6</td><td class="num">10</td></tr>');
    expect(html).not.toContain('style=');
  });
});
