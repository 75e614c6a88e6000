import type { ComponentChildren } from 'preact';
import { useNonce } from './render.tsx';

export interface Viewer {
  name: string;
  producerName: string;
  csrf: string;
  /** The user's email address is not verified yet: every page says so, with a button for a new link (ADR 0013). */
  unverified?: boolean;
  /** The role may see the team page. */
  team?: boolean;
}

/** `failed`: the page shows errors; the title says so first, as screen readers read the title on load. */
export function Layout(props: { title: string; failed?: boolean; viewer?: Viewer | null; islands?: string[]; refreshSeconds?: number; children: ComponentChildren }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.refreshSeconds !== undefined && <meta http-equiv="refresh" content={String(props.refreshSeconds)} />}
        <title>{`${props.failed ? 'Error: ' : ''}${props.title} · Marquee`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
        {props.islands?.map((name) => <script type="module" src={`/assets/${name}.js`} nonce={nonce} defer />)}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <a class="brand" href="/">Marquee</a>
          <nav aria-label="Main">
            <ul>
              <li><a href="/">What's on</a></li>
              {props.viewer ? (
                <>
                  <li><a href="/dashboard">Orders</a></li>
                  <li><a href="/dashboard/events">Events</a></li>
                  <li><a href="/door">Door</a></li>
                  <li><a href="/dashboard/venues">Seat maps</a></li>
                  {props.viewer.team && <li><a href="/dashboard/team">Team</a></li>}
                  <li><a href="/dashboard/security">Security</a></li>
                  <li>
                    <form method="post" action="/logout" class="inline">
                      <input type="hidden" name="csrf" value={props.viewer.csrf} />
                      <button type="submit" class="link">Log out ({props.viewer.producerName})</button>
                    </form>
                  </li>
                </>
              ) : (
                <>
                  <li><a href="/login">Producer log-in</a></li>
                  <li><a href="/signup">Sign up</a></li>
                </>
              )}
            </ul>
          </nav>
        </header>
        <main id="main" tabIndex={-1}>
          {props.viewer?.unverified && (
            <div class="notice warn">
              <p>Your email address is not verified yet. Open the link we emailed you; until then you cannot publish events, email buyers or invite your team.</p>
              <form method="post" action="/dashboard/verify/resend" class="inline">
                <input type="hidden" name="csrf" value={props.viewer.csrf} />
                <button type="submit" class="link">Email me a new link</button>
              </form>
            </div>
          )}
          {props.children}
        </main>
        <footer class="site">
          <p>Marquee box office. Essential cookies only; no analytics, no third parties. <a href="/privacy">Privacy</a></p>
        </footer>
      </body>
    </html>
  );
}

/**
 * A table that may scroll sideways on a narrow screen and holds nothing focusable: the scrolling
 * box is a named region (a <section> with a name) in the tab order, so a keyboard user can reach
 * it and scroll it (WCAG 2.1.1), and a screen reader announces what it holds.
 */
export function ScrollableTable(props: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box with nothing focusable inside must take focus itself, or a keyboard cannot scroll it (axe-core: scrollable-region-focusable).
    <section class="table-wrap" aria-label={props.label} tabIndex={0}>{props.children}</section>
  );
}

export function ErrorSummary(props: { messages: string[] }) {
  if (props.messages.length === 0) return null;
  return (
    <div class="notice error" role="alert" tabIndex={-1} autofocus id="errors">
      {props.messages.map((m) => <p>{m}</p>)}
    </div>
  );
}

export function ErrorPage(props: { status: number; message: string; viewer?: Viewer | null }) {
  const title = props.status === 404 ? 'Not found' : props.status >= 500 ? 'Something went wrong' : 'That did not work';
  return (
    <Layout title={title} viewer={props.viewer ?? null}>
      <h1>{title}</h1>
      <p>{props.message}</p>
      <p><a href="/">Back to what's on</a></p>
    </Layout>
  );
}
