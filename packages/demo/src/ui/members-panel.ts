import { html, type TemplateResult } from 'lit';
import { initials } from '../identity/identity.js';
import type { Member } from '../members/member-source.js';

/**
 * "5 min ago", "yesterday": when someone was last here, relative to `now`. An author can be known before the time of
 * their change is: their claim arrives with the list's document, the time with the task's, which may come later.
 */
export function lastSeenLabel(lastSeen: number | null, now: number, author = false): string {
  if (lastSeen === null) return author ? 'wrote to this list' : 'not seen yet';
  const minutes = Math.round((now - lastSeen) / 60_000);
  if (minutes < 1) return 'last seen just now';
  if (minutes < 60) return `last seen ${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `last seen ${hours} h ago`;
  return `last seen ${new Date(lastSeen).toLocaleDateString()}`;
}

/** Whether the relay vouched for who they are: only authors have changes a relay could confirm. */
function proofLabel(member: Member): string {
  if (!member.author) return 'no changes yet';
  return member.verified ? 'verified' : 'unverified';
}

/** Everyone in the list: who wrote to it (from attribution) or is here now, with online state, last seen and whether verified. */
export function membersPanel(members: readonly Member[], offline: boolean, now = Date.now()): TemplateResult {
  const online = members.filter((member) => member.online && !member.self).length;
  return html`<section class="panel members" aria-labelledby="members-heading" data-testid="members">
    <h2 id="members-heading">Members <span class="count">${members.length}</span></h2>
    <ul class="member-list">
      ${members.map(
        (member) => html`<li class="member" data-testid="member" data-member-id=${member.id} data-online=${member.online ? 'true' : 'false'}>
          <span class="avatar ${member.online ? 'is-online' : ''}" style="background:${member.color}" aria-hidden="true">${initials(member.name)}</span>
          <span class="member-name">${member.name}${member.self ? ' (you)' : ''}</span>
          <span class="member-state muted" data-testid="member-state"
            >${member.self ? (offline ? 'offline' : 'online') : member.online ? 'online' : lastSeenLabel(member.lastSeen, now, member.author)}</span
          >
          <span class="member-proof ${member.verified ? 'is-verified' : ''}" data-testid="member-verified" data-verified=${member.verified ? 'true' : 'false'}
            >${proofLabel(member)}</span
          >
        </li>`,
      )}
    </ul>
    ${offline ? html`<p class="muted members-note">Who else is online shows once you are connected.</p>` : online === 0 && members.length > 1 ? html`<p class="muted members-note">Nobody else is online right now.</p>` : ''}
  </section>`;
}
