import { ROLE_LABELS, isRole } from '../domain/team.ts';
import type { AppDeps } from './deps.ts';
import type { OutgoingMail, SubjectMail } from './ports.ts';
import { emailVerificationUrl } from './signup.ts';
import { INVITATION_DAYS, invitationTokenHashOfMail, invitationUrl } from './team.ts';

/**
 * The mails of sign-up and the team (issue 6 §1): the verification link, the note to an address
 * that tried to sign up again, and an invitation. Links are derived from the mail's id at send
 * time, never stored. Null for a kind that is not one of these.
 */
export async function accountMail(deps: AppDeps, mail: SubjectMail): Promise<OutgoingMail | null> {
  const until = `${mail.linkExpiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  switch (mail.kind) {
    case 'email_verification':
      return letter(mail.email, 'Verify your email address for Marquee', [
        'Welcome to Marquee. Please confirm that this is your email address, so that you can publish events, email your buyers and invite your team.',
        `This link works once, until ${until}.`,
      ], { href: emailVerificationUrl(deps, mail.id), label: 'Verify my email address' }, 'If you did not sign up, ignore this mail: the account stays unverified.');
    case 'signup_existing':
      return letter(mail.email, 'Signing up to Marquee', [
        'Someone (we hope you) tried to sign up to Marquee with this email address, but it already has an account, so nothing was created.',
        `To get in, log in at ${deps.settings.baseUrl}/login, or set a new password at ${deps.settings.baseUrl}/login/forgot if you have forgotten it.`,
      ], null, 'If it was not you, ignore this mail: your account is unchanged.');
    case 'team_invitation': {
      const invitation = await deps.store.team.invitationByTokenHash(invitationTokenHashOfMail(deps, mail.id));
      if (!invitation) throw new Error(`no invitation for mail ${mail.id}`);
      const role = isRole(invitation.role) ? ROLE_LABELS[invitation.role] : invitation.role;
      return letter(mail.email, `${invitation.inviterName} invited you to ${invitation.producerName} on Marquee`, [
        `${invitation.inviterName} invited you to join ${invitation.producerName} on Marquee, the box office, as ${role}.`,
        `The link lets you choose your name and password. It works once, for ${INVITATION_DAYS} days (until ${until}).`,
      ], { href: invitationUrl(deps, mail.id), label: 'Accept the invitation' }, 'If you do not expect this, ignore this mail.');
    }
    default:
      return null;
  }
}

function letter(to: string, subject: string, paragraphs: string[], link: { href: string; label: string } | null, closing: string): OutgoingMail {
  const text = ['Hello,', '', ...paragraphs.flatMap((x) => [x, '']), ...(link ? [link.href, ''] : []), closing, '', 'Marquee box office'].join('\n');
  const html = `<!doctype html><html><body>
<p>Hello,</p>
${paragraphs.map((x) => `<p>${escapeHtml(x)}</p>`).join('\n')}
${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>\n` : ''}<p>${escapeHtml(closing)}</p>
<p>Marquee box office</p>
</body></html>`;
  return { to, subject, text, html, attachments: [] };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
