import type { InvitationView } from '../../app/team.ts';
import { ErrorSummary, Layout } from '../layout.tsx';

export interface SignUpForm { producerName: string; slug: string; name: string; email: string }
export type SignUpField = keyof SignUpForm | 'password';

function Field(props: { id: SignUpField | 'confirm' | 'name'; label: string; hint?: string; error?: string | undefined; children: (describedBy: string | undefined, invalid: 'true' | undefined) => preact.JSX.Element }) {
  const ids = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <label for={props.id}>{props.label}</label>
      {props.hint && <p id={`${props.id}-hint`} class="muted">{props.hint}</p>}
      {props.children(ids, props.error ? 'true' : undefined)}
      {props.error && <p id={`${props.id}-error`} class="field-error">{props.error}</p>}
    </>
  );
}

/** The public sign-up form: the organisation and its first user, the owner. */
export function SignUpPage(props: { form: SignUpForm; errors: string[]; fieldErrors: Partial<Record<SignUpField, string>>; minLength: number }) {
  const { form, fieldErrors: fe } = props;
  return (
    <Layout title="Sign up as a producer" failed={props.errors.length > 0}>
      <h1>Sign up as a producer</h1>
      <ErrorSummary messages={props.errors} />
      <p>Create your organisation on Marquee and its first account, yours. You will be its owner, and can invite your team later.</p>
      <form method="post" action="/signup" novalidate>
        <fieldset>
          <legend>Your organisation</legend>
          <Field id="producerName" label="Name" hint="As buyers will see it, e.g. The Old Vic." error={fe.producerName}>
            {(d, inv) => <input type="text" id="producerName" name="producerName" value={form.producerName} maxLength={120} autocomplete="organization" required aria-describedby={d} aria-invalid={inv} />}
          </Field>
          <Field id="slug" label="Short name" hint="3 to 40 lower-case letters, digits or hyphens, e.g. the-old-vic. It must be unique." error={fe.slug}>
            {(d, inv) => <input type="text" id="slug" name="slug" value={form.slug} maxLength={40} pattern="[a-z0-9-]{3,40}" autocomplete="off" autocapitalize="none" spellcheck={false} required aria-describedby={d} aria-invalid={inv} />}
          </Field>
        </fieldset>
        <fieldset>
          <legend>You</legend>
          <Field id="name" label="Your name" error={fe.name}>
            {(d, inv) => <input type="text" id="name" name="name" value={form.name} maxLength={120} autocomplete="name" required aria-describedby={d} aria-invalid={inv} />}
          </Field>
          <Field id="email" label="Email" hint="We will email you a link to verify it." error={fe.email}>
            {(d, inv) => <input type="email" id="email" name="email" value={form.email} maxLength={254} autocomplete="email" required aria-describedby={d} aria-invalid={inv} />}
          </Field>
          <Field id="password" label="Password" hint={`At least ${props.minLength} characters, and not your email address.`} error={fe.password}>
            {(d, inv) => <input type="password" id="password" name="password" minLength={props.minLength} maxLength={1000} autocomplete="new-password" required aria-describedby={d} aria-invalid={inv} />}
          </Field>
          <label for="confirm">The same password again</label>
          <input type="password" id="confirm" name="confirm" minLength={props.minLength} maxLength={1000} autocomplete="new-password" required />
        </fieldset>
        <button type="submit">Create my account</button>
      </form>
      <p>Have an account already? <a href="/login">Log in</a></p>
    </Layout>
  );
}

/** The one answer to a sign-up that went through, whether the address was new or had an account. */
export function SignedUpPage(props: { message: string }) {
  return (
    <Layout title="Check your email">
      <h1>Check your email</h1>
      <div class="notice ok" role="status"><p>{props.message}</p></div>
      <p>If nothing arrives within a few minutes, check your spam folder. After logging in you can ask for a new link.</p>
      <p><a class="button" href="/login">Log in</a></p>
    </Layout>
  );
}

/** The verification link's page: one button, a POST, so a mail scanner opening the link verifies nothing. */
export function VerifyEmailPage(props: { token: string }) {
  return (
    <Layout title="Verify your email address">
      <h1>Verify your email address</h1>
      <p>Confirm that this email address is yours.</p>
      <form method="post" action={`/signup/verify/${props.token}`}>
        <button type="submit">Verify my email address</button>
      </form>
    </Layout>
  );
}

export function VerifiedPage(props: { signedIn: boolean }) {
  return (
    <Layout title="Email address verified">
      <h1>Email address verified</h1>
      <div class="notice ok" role="status"><p>Thank you: your email address is verified. You can now publish events, email your buyers and invite your team.</p></div>
      <p>{props.signedIn ? <a class="button" href="/dashboard">Go to your dashboard</a> : <a class="button" href="/login">Log in</a>}</p>
    </Layout>
  );
}

/** An invitee sets their name and password. */
export function InvitationPage(props: { token: string; invitation: InvitationView; name: string; errors: string[]; minLength: number }) {
  const i = props.invitation;
  return (
    <Layout title={`Join ${i.producerName}`} failed={props.errors.length > 0}>
      <h1>Join {i.producerName}</h1>
      <ErrorSummary messages={props.errors} />
      <p>{i.inviterName} invited you to {i.producerName} on Marquee, as <strong>{i.roleLabel}</strong>. Your log-in will be <strong>{i.email}</strong>.</p>
      <form method="post" action={`/invite/${props.token}`}>
        <label for="name">Your name</label>
        <input type="text" id="name" name="name" value={props.name} maxLength={120} autocomplete="name" required />
        <label for="password">Choose a password</label>
        <p id="password-hint" class="muted">At least {props.minLength} characters, and not your email address.</p>
        <input type="password" id="password" name="password" minLength={props.minLength} maxLength={1000} autocomplete="new-password" required aria-describedby="password-hint" />
        <label for="confirm">The same password again</label>
        <input type="password" id="confirm" name="confirm" minLength={props.minLength} maxLength={1000} autocomplete="new-password" required />
        <button type="submit">Join {i.producerName}</button>
      </form>
    </Layout>
  );
}
