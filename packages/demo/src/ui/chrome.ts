import { html, nothing, type TemplateResult } from 'lit';

/** The page's frame: error list, toast, footer. */

export interface Toast {
  readonly message: string;
  readonly undo?: () => void;
}

/** The toast, in the page's flow below its scrolling content (never over a row); the undo shortcut said in words. */

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

export function toastView(toast: Toast | null, undoKey: string | null): TemplateResult {
  return html`<div class="toast-region" role="status" aria-live="polite">
    ${toast
      ? html`<div class="toast" data-testid="toast">
          <span>${toast.message}${toast.undo && undoKey ? html` <span class="toast-shortcut">Press <kbd>${undoKey}</kbd> to undo.</span>` : nothing}</span>
          ${toast.undo
            ? html`<button type="button" class="button button--small button--inverse" data-testid="undo-delete" @click=${toast.undo}>Undo</button>`
            : nothing}
        </div>`
      : nothing}
  </div>`;
}

export function footer(showIntro: () => void): TemplateResult {
  return html`<footer class="footer muted">
    <span data-testid="storage-usage" class="storage-usage"></span>
    <span>Stored in this browser first · synced through the Concord relay</span>
    <button type="button" class="link-button" data-testid="show-welcome" @click=${showIntro}>About this demo</button>
  </footer>`;
}
