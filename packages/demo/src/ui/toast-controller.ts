import type { Toast } from './chrome.js';

/** How long a toast stays: long enough to reach its Undo by keyboard (Ctrl/Cmd+Z needs no reaching at all). */
export const TOAST_MS = 8_000;

/** The one toast on screen: shown, replaced by the next, gone after `TOAST_MS`. */
export class ToastController {
  private toast: Toast | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly changed: () => void) {}

  get current(): Toast | null {
    return this.toast;
  }

  show(toast: Toast): void {
    this.toast = toast;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.dismiss(), TOAST_MS);
    this.changed();
  }

  /** Runs the toast's undo, if it has one (Ctrl/Cmd+Z), and dismisses it; false when there was nothing to undo. */
  undo(): boolean {
    const undo = this.toast?.undo;
    if (!undo) return false;
    this.dismiss();
    undo();
    return true;
  }

  dismiss(): void {
    clearTimeout(this.timer);
    if (this.toast === null) return;
    this.toast = null;
    this.changed();
  }

  destroy(): void {
    clearTimeout(this.timer);
  }
}
