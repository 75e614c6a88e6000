/**
 * Counts down the time left on a hold. Without JavaScript the page still shows the expiry time;
 * this only adds the live "mm:ss left". The element has role="timer", so screen readers are not
 * interrupted every second.
 */
function start(): void {
  const el = document.querySelector<HTMLElement>('[data-hold-expires]');
  if (!el) return;
  const expires = Date.parse(el.dataset.holdExpires ?? '');
  if (Number.isNaN(expires)) return;
  const out = el.querySelector<HTMLElement>('[data-left]') ?? el;
  const tick = () => {
    const left = Math.max(0, Math.round((expires - Date.now()) / 1000));
    const m = Math.floor(left / 60);
    const s = String(left % 60).padStart(2, '0');
    out.textContent = left > 0 ? `${m}:${s} left` : 'expired: the tickets went back on sale';
    if (left === 0) {
      clearInterval(timer);
      el.closest('form')?.querySelector('button[type=submit]')?.setAttribute('disabled', '');
    }
  };
  const timer = setInterval(tick, 1000);
  tick();
}
start();
