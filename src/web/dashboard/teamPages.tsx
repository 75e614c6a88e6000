import type { TeamView } from '../../app/team.ts';
import type { Role } from '../../domain/policy.ts';
import { ROLES, ROLE_LABELS, isRole } from '../../domain/team.ts';
import { ErrorSummary, Layout, type Viewer } from '../layout.tsx';

const ROLE_HINTS: Readonly<Record<Role, string>> = {
  owner: 'everything, including the owners',
  admin: 'everything but the owners',
  box_office: 'orders, refunds, exports',
  door: 'scanning tickets',
  viewer: 'orders and sales, read only',
};

function RoleOptions(props: { selected: string; mayOwner: boolean }) {
  return (
    <>
      {ROLES.filter((r) => props.mayOwner || r !== 'owner' || props.selected === 'owner').map((r) => (
        <option value={r} selected={r === props.selected}>{ROLE_LABELS[r]} ({ROLE_HINTS[r]})</option>
      ))}
    </>
  );
}

/** /dashboard/team: members with their roles, invitations waiting, and the invitation form. */
export function TeamPage(props: { view: TeamView; viewer: Viewer; me: { userId: string; role: string; verified: boolean }; errors: string[]; notice: string | null; email: string }) {
  const { view, me } = props;
  const isOwner = me.role === 'owner';
  const date = (d: Date) => d.toISOString().slice(0, 10);
  return (
    <Layout title="Team" viewer={props.viewer} failed={props.errors.length > 0}>
      <h1>Team of {props.viewer.producerName}</h1>
      <ErrorSummary messages={props.errors} />
      {props.notice && <div class="notice ok" role="status"><p>{props.notice}</p></div>}
      <h2>Members</h2>
      <ul class="cards">
        {view.members.map((m) => {
          const mayChange = isOwner || m.role !== 'owner';
          const label = isRole(m.role) ? ROLE_LABELS[m.role] : m.role;
          return (
            <li class="card">
              <h3>{m.name}{m.userId === me.userId ? ' (you)' : ''}</h3>
              <p>{m.email} · {label}{m.verified ? '' : ' · email not verified'}</p>
              {mayChange && (
                <>
                  <form method="post" action={`/dashboard/team/members/${m.userId}/role`}>
                    <input type="hidden" name="csrf" value={props.viewer.csrf} />
                    <label for={`role-${m.userId}`}>Role of {m.name}</label>
                    <select id={`role-${m.userId}`} name="role"><RoleOptions selected={m.role} mayOwner={isOwner} /></select>
                    <button type="submit">Change role</button>
                  </form>
                  <form method="post" action={`/dashboard/team/members/${m.userId}/remove`}>
                    <input type="hidden" name="csrf" value={props.viewer.csrf} />
                    <button type="submit" class="link">Remove {m.name} from the team</button>
                  </form>
                </>
              )}
            </li>
          );
        })}
      </ul>
      <h2>Invitations waiting</h2>
      {view.invitations.length === 0 ? <p>None.</p> : (
        <ul class="cards">
          {view.invitations.map((i) => (
            <li class="card">
              <p><strong>{i.email}</strong> as {isRole(i.role) ? ROLE_LABELS[i.role] : i.role}, invited by {i.inviterName} on {date(i.createdAt)}; the link works until {date(i.expiresAt)}.</p>
              <form method="post" action={`/dashboard/team/invitations/${i.id}/revoke`}>
                <input type="hidden" name="csrf" value={props.viewer.csrf} />
                <button type="submit" class="link">Revoke the invitation to {i.email}</button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <h2>Invite someone</h2>
      {me.verified ? (
        <form method="post" action="/dashboard/team/invitations">
          <input type="hidden" name="csrf" value={props.viewer.csrf} />
          <label for="invite-email">Their email</label>
          <input type="email" id="invite-email" name="email" value={props.email} maxLength={254} autocomplete="off" required />
          <label for="invite-role">Role</label>
          <select id="invite-role" name="role"><RoleOptions selected="box_office" mayOwner={isOwner} /></select>
          <button type="submit">Send the invitation</button>
        </form>
      ) : (
        <p>Verify your email address first; then you can invite your team.</p>
      )}
    </Layout>
  );
}
