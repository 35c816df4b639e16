import { html, nothing, type TemplateResult } from 'lit';
import { logoIcon } from './icons.js';

/** The page's frame: header with the "Work offline" switch, error list, toast. */

export interface Toast {
  readonly message: string;
  readonly undo?: () => void;
}

export function topbar(listId: string | undefined, workOffline: boolean, canConnect: boolean, setWorkOffline: (offline: boolean) => void): TemplateResult {
  return html`<header class="topbar">
    <div class="brand"><span class="logo" aria-hidden="true">${logoIcon}</span><span>Concord</span></div>
    <div class="list-name" title="List id (from ?list=)">
      <span class="muted">List</span> <strong data-testid="list-id">${listId ?? '…'}</strong>
    </div>
    <label class="switch">
      <input
        type="checkbox"
        role="switch"
        data-testid="connection-toggle"
        .checked=${workOffline}
        ?disabled=${!canConnect}
        @change=${(event: Event) => setWorkOffline((event.target as HTMLInputElement).checked)}
      />
      <span>Work offline</span>
    </label>
  </header>`;
}

export function errorList(errors: readonly string[], dismiss: (message: string) => void): TemplateResult | typeof nothing {
  if (errors.length === 0) return nothing;
  return html`<div class="errors" role="alert" data-testid="error">
    ${errors.map(
      (message) => html`<p class="error">
        <span>${message}</span>
        <button type="button" class="button button--small" @click=${() => dismiss(message)}>Dismiss</button>
      </p>`,
    )}
  </div>`;
}

export function toastView(toast: Toast | null): TemplateResult {
  return html`<div class="toast-region" role="status" aria-live="polite">
    ${toast
      ? html`<div class="toast" data-testid="toast">
          <span>${toast.message}</span>
          ${toast.undo
            ? html`<button type="button" class="button button--small button--inverse" data-testid="undo-delete" @click=${toast.undo}>Undo</button>`
            : nothing}
        </div>`
      : nothing}
  </div>`;
}

export function footer(): TemplateResult {
  return html`<footer class="footer muted">
    <span data-testid="storage-usage" class="storage-usage"></span>
    <span>Stored in this browser first · synced through the Concord relay</span>
  </footer>`;
}
