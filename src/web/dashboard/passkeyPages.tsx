import type { PasskeyView } from '../../app/passkeys.ts';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The security page's passkeys: the list with a remove button each, and the form the passkeys island drives. */
export function PasskeysSection(props: { passkeys: PasskeyView[]; csrf: string }) {
  return (
    <section aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      <p>A passkey logs you in without your password, with your fingerprint, face or device PIN. It also stands in for the two-factor code.</p>
      {props.passkeys.length === 0 ? <p>You have no passkeys.</p> : (
        <ul class="cards">
          {props.passkeys.map((p) => (
            <li class="card">
              <p><strong>{p.name}</strong>, added {day(p.createdAt)}{p.lastUsedAt ? `, last used ${day(p.lastUsedAt)}` : ', not used yet'}.</p>
              <form method="post" action={`/dashboard/security/passkeys/${encodeURIComponent(p.id)}/remove`}>
                <input type="hidden" name="csrf" value={props.csrf} />
                <button type="submit" class="link">Remove the passkey “{p.name}”</button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <p data-passkey-nojs>Adding a passkey needs JavaScript and a browser that supports passkeys.</p>
      <form data-passkey-register hidden>
        <input type="hidden" name="csrf" value={props.csrf} />
        <label for="passkey-name">Name for the new passkey</label>
        <input type="text" id="passkey-name" name="name" maxLength={60} required placeholder="Work laptop" />
        <button type="submit">Add a passkey</button>
        <p data-passkey-status role="status" />
      </form>
    </section>
  );
}

/** The log-in page's passkey button, shown by the island when the browser supports passkeys. */
export function PasskeyLogIn(props: { next: string }) {
  return (
    <section data-passkey-login data-next={props.next} hidden aria-labelledby="passkey-login-heading">
      <h2 id="passkey-login-heading">Or use a passkey</h2>
      <button type="button">Use a passkey</button>
      <p data-passkey-status role="status" />
    </section>
  );
}
