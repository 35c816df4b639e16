import { html, type TemplateResult } from 'lit';
import { COLOR_NAMES, COLORS, type Identity } from '../identity/identity.js';

const WELCOMED_KEY = 'concord:welcomed';

/** Whether this device dismissed the first-visit view. */
export function welcomed(local: Storage): boolean {
  return local.getItem(WELCOMED_KEY) !== null;
}

export function rememberWelcomed(local: Storage): void {
  local.setItem(WELCOMED_KEY, '1');
}

export interface WelcomeContext {
  readonly identity: Identity;
  readonly listName: string;
  readonly listId: string;
  setName(name: string): void;
  setColor(color: string): void;
  dismiss(): void;
}

/** This list in a new window as another person: a tab identity of its own (`?user=`), the list's name kept. */
function secondPersonHref(ctx: WelcomeContext): string {
  const user = ctx.identity.name === 'Second person' ? 'Third person' : 'Second person';
  return `?${new URLSearchParams({ list: ctx.listId, user }).toString()}`;
}

/**
 * The first-visit view: who you are (name and colour, kept on this device), and the story of the demo in one screen,
 * with the one action that shows it best: the same list opened as a second person.
 */
export function welcome(ctx: WelcomeContext): TemplateResult {
  return html`<section class="welcome card" aria-labelledby="welcome-heading" data-testid="welcome">
    <h2 id="welcome-heading">Welcome to Concord</h2>
    <p>A shared task list that works without a connection and merges everyone's edits, with no conflict dialogs.</p>
    <div class="identity-form">
      <label for="welcome-name">Your name</label>
      <input
        id="welcome-name"
        data-testid="welcome-name"
        .value=${ctx.identity.name}
        maxlength="40"
        autocomplete="nickname"
        @change=${(event: Event) => ctx.setName((event.target as HTMLInputElement).value)}
      />
      <fieldset class="colors">
        <legend>Your colour</legend>
        ${COLORS.map(
          (color, index) => html`<label class="color-choice" style="--swatch:${color}">
            <input type="radio" name="identity-color" .checked=${ctx.identity.color === color} @change=${() => ctx.setColor(color)} />
            <span class="visually-hidden">${COLOR_NAMES[index] ?? `Colour ${index + 1}`}</span>
          </label>`,
        )}
      </fieldset>
      <p class="muted">Kept on this device only. Links you share never carry it.</p>
    </div>
    <ol class="story">
      <li>Add a few tasks to “${ctx.listName}”.</li>
      <li>
        <a class="button button--primary" data-testid="second-person" href=${secondPersonHref(ctx)} target="_blank" rel="noopener"
          >Open as a second person</a
        >
        — the same list in a new window, as someone else. Type in the same title in both.
      </li>
      <li>Switch on <strong>Work offline</strong> in both windows, edit, complete and delete in each, then switch back: both end with the same list.</li>
    </ol>
    <details class="more" data-testid="merge-explainer">
      <summary>How the merge works</summary>
      <p>
        Every task is a Yjs document (a CRDT): titles merge letter by letter, a delete wins over a concurrent edit (restore
        the task from the trash and the edit is back), and concurrent new tasks all keep their place. Changes are stored in
        this browser first, so a reload with no network still shows them.
      </p>
    </details>
    <button type="button" class="button" data-testid="welcome-dismiss" @click=${() => ctx.dismiss()}>Got it</button>
  </section>`;
}
