import { html, nothing, type TemplateResult } from 'lit';
import type { RecentList } from '../lists/recent-lists.js';
import { logoIcon } from './icons.js';

/** What the header needs: the list's name and id, the recent lists, and what its controls do. */
export interface HeaderContext {
  readonly listId: string | undefined;
  readonly listName: string;
  readonly recent: readonly RecentList[];
  readonly workOffline: boolean;
  readonly canConnect: boolean;
  readonly sharing: ShareState | null;
  rename(name: string): void;
  create(name: string): void;
  leave(): void;
  share(mode: 'rw' | 'ro'): void;
  closeShare(): void;
  setWorkOffline(offline: boolean): void;
}

/** The share panel under the header once Share was pressed. */
export interface ShareState {
  readonly url: string | null;
  readonly mode: 'rw' | 'ro';
  /** A relay with tokens minted this link: it can be read-only, and it expires. */
  readonly minted: boolean;
  readonly expiresAt: number | null;
  readonly copied: boolean;
  readonly error: string | null;
}

/** The banner: brand, the list's name as the page's h1 (edit it to rename), the list switcher, Share, Work offline. */
export function listHeader(ctx: HeaderContext): TemplateResult {
  const onNameKey = (event: KeyboardEvent) => {
    const element = event.target as HTMLElement;
    if (event.key === 'Enter') {
      event.preventDefault();
      element.blur();
    } else if (event.key === 'Escape') {
      element.textContent = ctx.listName;
      element.blur();
    }
  };
  const onNameBlur = (event: Event) => {
    const element = event.target as HTMLElement;
    const name = element.textContent?.trim() ?? '';
    if (name && name !== ctx.listName) ctx.rename(name);
    else element.textContent = ctx.listName;
  };
  return html`<header class="topbar">
      <div class="brand"><span class="logo" aria-hidden="true">${logoIcon}</span><span>Concord</span></div>
      <h1
        class="list-title"
        data-testid="list-name"
        contenteditable="plaintext-only"
        spellcheck="false"
        title="Rename the list: edit its name"
        .textContent=${ctx.listName}
        @keydown=${onNameKey}
        @blur=${onNameBlur}
      ></h1>
      <div class="header-actions">
        ${listSwitcher(ctx)}
        <button type="button" class="button" data-testid="share-link" aria-haspopup="true" aria-expanded=${ctx.sharing ? 'true' : 'false'} @click=${() => ctx.share(ctx.sharing?.mode ?? 'rw')}>
          Share
        </button>
        <label class="switch">
          <input
            type="checkbox"
            role="switch"
            data-testid="connection-toggle"
            .checked=${ctx.workOffline}
            ?disabled=${!ctx.canConnect}
            @change=${(event: Event) => ctx.setWorkOffline((event.target as HTMLInputElement).checked)}
          />
          <span>Work offline</span>
        </label>
      </div>
    </header>
    ${ctx.sharing ? sharePanel(ctx, ctx.sharing) : nothing}`;
}

function listSwitcher(ctx: HeaderContext): TemplateResult {
  const others = ctx.recent.filter((entry) => entry.id !== ctx.listId);
  const onCreate = (event: Event) => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).querySelector<HTMLInputElement>('input');
    const name = input?.value.trim();
    if (input && name) ctx.create(name);
  };
  return html`<nav class="switcher-nav" aria-label="Your lists"><details class="switcher">
    <summary class="button" data-testid="list-switcher">Lists</summary>
    <div class="switcher-menu">
      <p class="switcher-current">
        <span class="muted">This list:</span> <strong>${ctx.listName}</strong>
        <span class="muted list-id">id <span data-testid="list-id">${ctx.listId ?? '…'}</span></span>
      </p>
      ${others.length
        ? html`<h2 class="menu-heading">Recent</h2>
            <ul class="recent-lists">
              ${others.map((entry) => html`<li><a href="?list=${encodeURIComponent(entry.id)}" data-list-id=${entry.id}>${entry.name || entry.id}</a></li>`)}
            </ul>`
        : nothing}
      <form class="list-create" @submit=${onCreate}>
        <label for="list-create">New list</label>
        <span class="row">
          <input id="list-create" data-testid="list-create" placeholder="Name, e.g. Weekend trip" maxlength="80" autocomplete="off" required />
          <button type="submit" class="button button--primary">Create</button>
        </span>
      </form>
      <button type="button" class="button button--danger" data-testid="list-leave" @click=${() => ctx.leave()}>Leave this list</button>
    </div>
  </details></nav>`;
}

function sharePanel(ctx: HeaderContext, state: ShareState): TemplateResult {
  const who = state.mode === 'ro' ? 'view' : 'view and edit';
  return html`<section class="share-panel" aria-label="Share this list" data-testid="share-panel">
    ${state.error
      ? html`<p class="error" role="alert">Could not make a share link: ${state.error}</p>`
      : html`<label for="share-url">Anyone with this link can ${who} “${ctx.listName}”${state.minted && state.expiresAt ? html` until ${new Date(state.expiresAt).toLocaleString()}` : nothing}.
            They join as themselves, not as you.</label>
          <span class="row">
            <input id="share-url" data-testid="share-url" readonly .value=${state.url ?? 'Making a link…'} @focus=${(event: Event) => (event.target as HTMLInputElement).select()} />
            <span class="muted share-copied" role="status">${state.copied ? 'Copied' : ''}</span>
          </span>`}
    <span class="row">
      ${state.minted
        ? html`<label class="share-mode"
            ><input type="checkbox" data-testid="share-read-only" .checked=${state.mode === 'ro'} @change=${(event: Event) => ctx.share((event.target as HTMLInputElement).checked ? 'ro' : 'rw')} /> Read-only</label
          >`
        : nothing}
      <button type="button" class="button button--small" @click=${() => ctx.closeShare()}>Done</button>
    </span>
  </section>`;
}
