/**
 * Makes the server-rendered seat map a control. Without JavaScript the list of checkboxes under the
 * map is how seats are chosen; this turns every seat on the map into a checkbox of its own (with the
 * server's accessible name, e.g. "Row C, seat 12, Stalls, £25, available") that mirrors the list's.
 * One seat is in the tab order at a time (a roving tabindex): the arrow keys move along a row and to
 * the nearest seat of the row in front or behind, Home and End to a row's ends, Space or Enter choose.
 */
interface Seat { g: SVGGElement; input: HTMLInputElement | null; x: number; y: number; row: string; label: string }

function setUp(picker: HTMLElement): void {
  const svg = picker.querySelector<SVGSVGElement>('svg[data-seat-map]');
  if (!svg) return;
  const inputs = new Map<string, HTMLInputElement>();
  for (const input of picker.querySelectorAll<HTMLInputElement>('input[name=seat]')) inputs.set(input.value, input);
  const seats: Seat[] = [...svg.querySelectorAll<SVGGElement>('g[data-seat]')].map((g) => ({
    g, input: inputs.get(g.dataset.seat ?? '') ?? null, x: Number(g.dataset.x), y: Number(g.dataset.y), row: g.dataset.row ?? '', label: g.dataset.label ?? '',
  }));
  if (seats.length === 0) return;
  const rows = new Map<string, Seat[]>();
  for (const s of seats) rows.set(s.row, [...(rows.get(s.row) ?? []), s]);
  for (const row of rows.values()) row.sort((a, b) => a.x - b.x);
  const rowOrder = [...rows.values()].sort((a, b) => a[0]!.y - b[0]!.y || a[0]!.x - b[0]!.x);
  const status = picker.querySelector<HTMLElement>('[data-seat-status]');

  svg.setAttribute('role', 'group');
  svg.removeAttribute('aria-labelledby');
  svg.setAttribute('aria-label', picker.dataset.mapLabel ?? 'Seat map');
  const free = (s: Seat) => s.input !== null && !s.input.disabled;
  const show = (s: Seat) => {
    const chosen = s.input?.checked === true;
    s.g.setAttribute('aria-checked', chosen ? 'true' : 'false');
    s.g.classList.toggle('seat-chosen', chosen);
    s.g.classList.toggle('seat-available', free(s) && !chosen);
  };
  const announce = () => {
    if (!status) return;
    const chosen = seats.filter((s) => s.input?.checked);
    status.textContent = chosen.length === 0 ? '' : `${chosen.length} ${chosen.length === 1 ? 'seat' : 'seats'} chosen: ${chosen.map((s) => s.label.split(', ').slice(0, 3).join(', ')).join('; ')}.`;
  };
  for (const s of seats) {
    s.g.setAttribute('role', 'checkbox');
    s.g.setAttribute('aria-label', s.label);
    if (!free(s)) s.g.setAttribute('aria-disabled', 'true');
    s.g.tabIndex = -1;
    show(s);
  }
  const first = seats.find((s) => s.input?.checked) ?? rowOrder.flat().find(free) ?? rowOrder[0]![0]!;
  first.g.tabIndex = 0;

  const focus = (s: Seat) => {
    for (const other of seats) other.g.tabIndex = -1;
    s.g.tabIndex = 0;
    s.g.focus();
  };
  const toggle = (s: Seat) => {
    if (!free(s) || !s.input) return;
    s.input.checked = !s.input.checked;
    show(s);
    announce();
  };
  const move = (s: Seat, key: string): Seat | null => {
    const row = rows.get(s.row)!;
    const i = row.indexOf(s);
    if (key === 'ArrowLeft') return row[i - 1] ?? null;
    if (key === 'ArrowRight') return row[i + 1] ?? null;
    if (key === 'Home') return row[0]!;
    if (key === 'End') return row[row.length - 1]!;
    const r = rowOrder.indexOf(row) + (key === 'ArrowUp' ? -1 : 1);
    const next = rowOrder[r];
    if (!next) return null;
    return next.reduce((best, c) => (Math.abs(c.x - s.x) < Math.abs(best.x - s.x) ? c : best));
  };
  for (const s of seats) {
    s.g.addEventListener('click', () => {
      focus(s);
      toggle(s);
    });
    s.g.addEventListener('keydown', (e) => {
      if (e.key === ' ' || e.key === 'Enter') {
        e.preventDefault();
        toggle(s);
      } else if (['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(e.key)) {
        e.preventDefault();
        const next = move(s, e.key);
        if (next) focus(next);
      }
    });
    s.input?.addEventListener('change', () => {
      show(s);
      announce();
    });
  }
  // The map is now the control; the list stays one click away.
  const list = picker.querySelector<HTMLDetailsElement>('details[data-seat-list]');
  if (list) list.open = false;
  announce();
}

for (const picker of document.querySelectorAll<HTMLElement>('[data-seat-picker]')) setUp(picker);
