import type { PasskeyView } from '../../app/passkeys.ts';
import type { TwoFactorStatus } from '../../app/twoFactor.ts';
import { PasskeysSection } from './passkeyPages.tsx';
import { ErrorSummary, Layout, type Viewer } from '../layout.tsx';

/** The log-in's second step: the password was right, the session waits for the code. */
export function CodePage(props: { challenge: string; next: string; errors: string[] }) {
  return (
    <Layout title="Enter your code" failed={props.errors.length > 0}>
      <h1>Enter your code</h1>
      <ErrorSummary messages={props.errors} />
      <p>Open your authenticator app and enter the six-digit code it shows for Marquee.</p>
      <form method="post" action="/login/code">
        <input type="hidden" name="challenge" value={props.challenge} />
        <input type="hidden" name="next" value={props.next} />
        <label for="code">Code</label>
        <input type="text" id="code" name="code" inputMode="numeric" pattern="[0-9 ]*" maxLength={8} autocomplete="one-time-code" required
          aria-invalid={props.errors.length > 0 ? 'true' : undefined} />
        <button type="submit">Log in</button>
      </form>
      <p><a href="/login">Start again</a></p>
    </Layout>
  );
}

export function ForgotPasswordPage(props: { email: string; errors: string[]; notice: string | null }) {
  return (
    <Layout title="Forgot your password?" failed={props.errors.length > 0}>
      <h1>Forgot your password?</h1>
      <ErrorSummary messages={props.errors} />
      {props.notice ? (
        <div class="notice ok" role="status"><p>{props.notice}</p></div>
      ) : (
        <>
          <p>Enter the email address of your producer account. We will email it a link to set a new password.</p>
          <form method="post" action="/login/forgot">
            <label for="email">Email</label>
            <input type="email" id="email" name="email" value={props.email} autocomplete="username" required aria-invalid={props.errors.length > 0 ? 'true' : undefined} />
            <button type="submit">Email me a link</button>
          </form>
        </>
      )}
      <p><a href="/login">Back to log-in</a></p>
    </Layout>
  );
}

export function ResetPasswordPage(props: { token: string; errors: string[]; minLength: number }) {
  return (
    <Layout title="Set a new password" failed={props.errors.length > 0}>
      <h1>Set a new password</h1>
      <ErrorSummary messages={props.errors} />
      <p>Choose a password of at least {props.minLength} characters. Setting it logs you out on every device.</p>
      <form method="post" action={`/login/reset/${props.token}`}>
        <label for="password">New password</label>
        <input type="password" id="password" name="password" autocomplete="new-password" minLength={props.minLength} required />
        <label for="confirm">The same password again</label>
        <input type="password" id="confirm" name="confirm" autocomplete="new-password" minLength={props.minLength} required />
        <button type="submit">Set the password</button>
      </form>
    </Layout>
  );
}

/** The signed-in user's two-factor set-up; `qrSvg` is the qrcode library's markup of the otpauth URI. */
export function SecurityPage(props: { status: TwoFactorStatus; qrSvg: string | null; errors: string[]; notice: string | null; viewer: Viewer; passkeys?: PasskeyView[] }) {
  const { status } = props;
  return (
    <Layout title="Security" failed={props.errors.length > 0} viewer={props.viewer} islands={['passkeys']}>
      <h1>Security</h1>
      <ErrorSummary messages={props.errors} />
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <h2>Two-factor log-in</h2>
      {status.state === 'off' && (
        <>
          <p>Two-factor log-in is off. With it on, logging in needs your password and a code from an authenticator app on your phone.</p>
          <form method="post" action="/dashboard/security/totp">
            <input type="hidden" name="csrf" value={props.viewer.csrf} />
            <button type="submit">Set up two-factor log-in</button>
          </form>
        </>
      )}
      {status.state === 'pending' && (
        <>
          <p>Two-factor log-in is not on yet. Add Marquee to your authenticator app, then enter the code it shows.</p>
          <ol>
            <li>
              <p>Scan this QR code with the app:</p>
              {props.qrSvg && (
                // Markup from the qrcode library, made on the server from the otpauth URI.
                <div class="qr-image" role="img" aria-label="QR code to add Marquee to your authenticator app" dangerouslySetInnerHTML={{ __html: props.qrSvg }} />
              )}
              <p>Or type this key into the app: <code class="qr" data-secret>{status.secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
            </li>
            <li>
              <form method="post" action="/dashboard/security/totp/confirm">
                <input type="hidden" name="csrf" value={props.viewer.csrf} />
                <label for="code">The code the app shows</label>
                <input type="text" id="code" name="code" inputMode="numeric" pattern="[0-9 ]*" maxLength={8} autocomplete="one-time-code" required />
                <button type="submit">Switch on</button>
              </form>
            </li>
          </ol>
          <form method="post" action="/dashboard/security/totp">
            <input type="hidden" name="csrf" value={props.viewer.csrf} />
            <button type="submit" class="link">Start over with a new key</button>
          </form>
        </>
      )}
      {status.state === 'on' && (
        <>
          <p>Two-factor log-in is on. To switch it off, enter a current code from your authenticator app.</p>
          <form method="post" action="/dashboard/security/totp/disable">
            <input type="hidden" name="csrf" value={props.viewer.csrf} />
            <label for="code">Code</label>
            <input type="text" id="code" name="code" inputMode="numeric" pattern="[0-9 ]*" maxLength={8} autocomplete="one-time-code" required />
            <button type="submit">Switch off</button>
          </form>
        </>
      )}
      <PasskeysSection passkeys={props.passkeys ?? []} csrf={props.viewer.csrf} />
    </Layout>
  );
}
