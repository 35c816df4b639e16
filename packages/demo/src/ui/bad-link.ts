import { html, nothing, type TemplateResult } from 'lit';
import type { RecentList } from '../lists/recent-lists.js';

export interface BadLinkContext {
  /** What `?list=` held. */
  readonly link: string;
  /** The list the page opened instead. */
  readonly openedId: string;
  readonly openedName: string;
  readonly recent: readonly RecentList[];
  create(name: string): void;
  dismiss(): void;
}

/** Text with a letter in it reads as a name someone typed ("Weekend trip"): offer a list by that name. */
function looksLikeName(text: string): boolean {
  return /\p{L}/u.test(text);
}

/**
 * What the page says when `?list=` held no list id: the app opened anyway (the most recent list, or a first one), the
 * link is named, and the ways on are right here: a list with that name, the recent lists, the list that is open.
 */
export function badLinkNotice(ctx: BadLinkContext): TemplateResult {
  const others = ctx.recent.filter((entry) => entry.id !== ctx.openedId);
  return html`<section class="card bad-link" aria-labelledby="bad-link-heading" data-testid="bad-link">
    <h2 id="bad-link-heading">This link doesn't point to a list</h2>
    <p>
      “<span data-testid="bad-link-text">${ctx.link}</span>” is not the address of a list: list links come from the Share
      button${others.length ? ', and the lists you opened on this device are below' : ''}. You are on “${ctx.openedName}” for now.
    </p>
    <div class="bad-link-actions">
      ${looksLikeName(ctx.link)
        ? html`<button type="button" class="button button--primary" data-testid="bad-link-create" @click=${() => ctx.create(ctx.link)}>
            Create a list named “${ctx.link}”
          </button>`
        : nothing}
      <button type="button" class="button" data-testid="bad-link-dismiss" @click=${() => ctx.dismiss()}>Stay on “${ctx.openedName}”</button>
    </div>
    ${others.length
      ? html`<h3 class="menu-heading">Your recent lists</h3>
          <ul class="recent-lists">
            ${others.map((entry) => html`<li><a href="?list=${encodeURIComponent(entry.id)}" data-list-id=${entry.id}>${entry.name || entry.id}</a></li>`)}
          </ul>`
      : nothing}
  </section>`;
}
