import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

/**
 * Passkeys in the browser (ADR 0013): adding one on the security page, and logging in with one on
 * the log-in page. Both controls are hidden in the server's HTML and shown here only when the
 * browser supports WebAuthn; without JavaScript the pages say that passkeys need it, and the
 * password log-in works as before. Messages go to a live region so screen readers hear them.
 */

async function postJson(url: string, body: unknown): Promise<{ ok: boolean; data: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin' });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { ok: res.ok, data };
}

function say(el: HTMLElement | null, text: string): void {
  if (el) el.textContent = text;
}

/** What to tell the person when the browser's ceremony fails (they cancelled, or the device refused). */
function ceremonyMessage(e: unknown): string {
  const name = e instanceof Error ? e.name : '';
  if (name === 'NotAllowedError' || name === 'AbortError') return 'The passkey request was cancelled or timed out. Please try again.';
  if (name === 'InvalidStateError') return 'This device has a passkey for your account already.';
  return 'Your browser could not use a passkey here. Please try again, or use your password.';
}

function setUpRegistration(): void {
  const form = document.querySelector<HTMLFormElement>('form[data-passkey-register]');
  if (!form) return;
  document.querySelector<HTMLElement>('[data-passkey-nojs]')?.setAttribute('hidden', '');
  form.hidden = false;
  const status = form.querySelector<HTMLElement>('[data-passkey-status]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = new FormData(form);
    const csrf = String(fields.get('csrf') ?? '');
    const name = String(fields.get('name') ?? '');
    const button = form.querySelector<HTMLButtonElement>('button[type=submit]');
    button?.setAttribute('disabled', '');
    try {
      say(status, 'Follow your browser’s prompt to create the passkey…');
      const options = await postJson('/dashboard/security/passkeys/options', { csrf });
      if (!options.ok) throw new Error(String(options.data.error ?? 'The passkey could not be started.'));
      let response: unknown;
      try {
        response = await startRegistration({ optionsJSON: options.data.options as Parameters<typeof startRegistration>[0]['optionsJSON'] });
      } catch (e) {
        throw new Error(ceremonyMessage(e));
      }
      const saved = await postJson('/dashboard/security/passkeys', { csrf, name, response });
      if (!saved.ok) throw new Error(String(saved.data.error ?? 'The passkey was not added.'));
      window.location.assign('/dashboard/security?done=passkey');
    } catch (e) {
      say(status, e instanceof Error ? e.message : String(e));
      button?.removeAttribute('disabled');
    }
  });
}

function setUpLogIn(): void {
  const box = document.querySelector<HTMLElement>('[data-passkey-login]');
  if (!box) return;
  box.hidden = false;
  const button = box.querySelector<HTMLButtonElement>('button');
  const status = box.querySelector<HTMLElement>('[data-passkey-status]');
  button?.addEventListener('click', async () => {
    button.setAttribute('disabled', '');
    try {
      const options = await postJson('/login/passkey/options', {});
      if (!options.ok) throw new Error(String(options.data.error ?? 'Passkey log-in could not be started.'));
      let response: unknown;
      try {
        response = await startAuthentication({ optionsJSON: options.data.options as Parameters<typeof startAuthentication>[0]['optionsJSON'] });
      } catch (e) {
        throw new Error(ceremonyMessage(e));
      }
      const done = await postJson('/login/passkey', { response, next: box.dataset.next ?? '/dashboard' });
      if (!done.ok) throw new Error(String(done.data.error ?? 'That passkey did not log you in.'));
      window.location.assign(String(done.data.redirect ?? '/dashboard'));
    } catch (e) {
      say(status, e instanceof Error ? e.message : String(e));
      button.removeAttribute('disabled');
    }
  });
}

if (browserSupportsWebAuthn()) {
  setUpRegistration();
  setUpLogIn();
}
