/**
 * Small SVG charts rendered on the server: no client script, no chart library. Text goes through
 * Preact, which escapes it; colours come from classes in app.css (with presentation attributes as a
 * fallback), never a style attribute, which the CSP forbids. Each chart is an image with a title and
 * a description, every bar carries its number as text (so it reads in black and white), and a table
 * with the same numbers sits under it for screen readers and for print.
 */

export interface Column { label: string; value: number }
export interface Series { key: string; label: string; className: string; fill: string }
export interface StackedRow { label: string; values: Record<string, number> }

const WIDTH = 600;

function Legend(props: { series: readonly Series[] }) {
  return (
    <ul class="chart-legend" aria-hidden="true">
      {props.series.map((s) => (
        <li><svg viewBox="0 0 12 12" width="12" height="12" focusable="false"><rect class={s.className} fill={s.fill} stroke="#000" stroke-width="1" x="0.5" y="0.5" width="11" height="11" /></svg> {s.label}</li>
      ))}
    </ul>
  );
}

/** Vertical columns, one per label (e.g. tickets per day); heights proportional to the values. */
export function ColumnChart(props: { id: string; title: string; desc: string; columns: readonly Column[]; valueLabel: string; labelHeader: string }) {
  const { id, columns } = props;
  const top = 20;
  const plotHeight = 150;
  const bottom = 30;
  const left = 8;
  const slot = (WIDTH - left * 2) / Math.max(1, columns.length);
  const barWidth = Math.max(2, slot * 0.7);
  const max = Math.max(1, ...columns.map((c) => c.value));
  // Label about eight columns, and always the last one.
  const step = Math.max(1, Math.ceil(columns.length / 8));
  const baseline = top + plotHeight;
  return (
    <figure class="chart" id={id}>
      <svg class="chart-svg" viewBox={`0 0 ${WIDTH} ${top + plotHeight + bottom}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
        <title id={`${id}-title`}>{props.title}</title>
        <desc id={`${id}-desc`}>{props.desc}</desc>
        <line class="chart-axis" x1={left} x2={WIDTH - left} y1={baseline} y2={baseline} stroke="#000" stroke-width="1" />
        {columns.map((c, i) => {
          const h = (c.value / max) * plotHeight;
          const x = left + i * slot + (slot - barWidth) / 2;
          const cx = x + barWidth / 2;
          return (
            <g data-column={c.label}>
              <rect class="chart-bar" fill="#6b1d8f" x={x.toFixed(2)} y={(baseline - h).toFixed(2)} width={barWidth.toFixed(2)} height={h.toFixed(2)} data-value={c.value} />
              {c.value > 0 && <text class="chart-value" x={cx.toFixed(2)} y={(baseline - h - 4).toFixed(2)} text-anchor="middle" font-size="11">{c.value}</text>}
              {(i % step === 0 || i === columns.length - 1) && (
                <text class="chart-label" x={cx.toFixed(2)} y={baseline + 16} text-anchor="middle" font-size="11">{c.label}</text>
              )}
            </g>
          );
        })}
      </svg>
      <details class="chart-data">
        <summary>The numbers<span class="sr-only"> of “{props.title}”</span></summary>
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{props.title}</caption>
            <thead><tr><th scope="col">{props.labelHeader}</th><th scope="col" class="num">{props.valueLabel}</th></tr></thead>
            <tbody>{columns.map((c) => <tr><th scope="row">{c.label}</th><td class="num">{c.value}</td></tr>)}</tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/**
 * Horizontal bars, one per row, each split into the series in order (e.g. sold, held, available).
 * All rows share one scale, the largest row total, so rows compare with each other.
 */
export function StackedBarChart(props: { id: string; title: string; desc: string; series: readonly Series[]; rows: readonly StackedRow[]; labelHeader: string }) {
  const { id, series, rows } = props;
  const rowHeight = 44;
  const barHeight = 16;
  const left = 4;
  const barWidth = WIDTH - left * 2;
  const total = (r: StackedRow) => series.reduce((n, s) => n + (r.values[s.key] ?? 0), 0);
  const max = Math.max(1, ...rows.map(total));
  const summary = (r: StackedRow) => series.map((s) => `${r.values[s.key] ?? 0} ${s.label.toLowerCase()}`).join(', ');
  return (
    <figure class="chart" id={id}>
      <svg class="chart-svg" viewBox={`0 0 ${WIDTH} ${Math.max(1, rows.length) * rowHeight + 4}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
        <title id={`${id}-title`}>{props.title}</title>
        <desc id={`${id}-desc`}>{props.desc}</desc>
        {rows.map((r, i) => {
          const y = i * rowHeight;
          let x = left;
          return (
            <g data-row={r.label}>
              <text class="chart-label" x={left} y={y + 14} font-size="12">{r.label}: {summary(r)}</text>
              {series.map((s) => {
                const v = r.values[s.key] ?? 0;
                const w = (v / max) * barWidth;
                const seg = <rect class={s.className} fill={s.fill} stroke="#000" stroke-width="0.5" x={x.toFixed(2)} y={y + 20} width={w.toFixed(2)} height={barHeight} data-series={s.key} data-value={v} />;
                x += w;
                return v > 0 ? seg : null;
              })}
            </g>
          );
        })}
      </svg>
      <Legend series={series} />
      <details class="chart-data">
        <summary>The numbers<span class="sr-only"> of “{props.title}”</span></summary>
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{props.title}</caption>
            <thead>
              <tr><th scope="col">{props.labelHeader}</th>{series.map((s) => <th scope="col" class="num">{s.label}</th>)}<th scope="col" class="num">Total</th></tr>
            </thead>
            <tbody>
              {rows.map((r) => <tr><th scope="row">{r.label}</th>{series.map((s) => <td class="num">{r.values[s.key] ?? 0}</td>)}<td class="num">{total(r)}</td></tr>)}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
