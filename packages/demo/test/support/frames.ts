import type { BrowserContext, Page } from 'playwright-core';

/** What one animation frame showed: the page's status word, core's status, and what the list held. */
export interface FrameSample {
  /** ms since navigation. */
  readonly at: number;
  /** `sync-status` text, or null before the page shows it. */
  readonly page: string | null;
  /** `pending-count` text. */
  readonly pending: string | null;
  /** core's `list.status.state`, or null before the list is open. */
  readonly core: string | null;
  readonly tasks: number;
  /** Tasks whose title is still empty. */
  readonly untitled: number;
  /** Which empty-list message the page showed, if any. */
  readonly empty: 'empty' | 'list-loading' | 'not-downloaded' | null;
  readonly unreachable: boolean;
}

declare global {
  interface Window {
    concordFrames?: FrameSample[];
  }
}

/** Runs in the page: samples on every animation frame, from the first frame on, into `window.concordFrames`. */
function sampleEveryFrame(): void {
  const samples: FrameSample[] = [];
  window.concordFrames = samples;
  const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null;
  const shown = (id: string) => document.querySelector(`[data-testid="${id}"]`) !== null;
  const sample = () => {
    const list = window.concordDemo?.list ?? null;
    const tasks = list?.tasks() ?? [];
    samples.push({
      at: performance.now(),
      page: text('sync-status'),
      pending: text('pending-count'),
      core: list?.status.state ?? null,
      tasks: tasks.length,
      untitled: tasks.filter((task) => task.title === '').length,
      empty: shown('empty') ? 'empty' : shown('list-loading') ? 'list-loading' : shown('not-downloaded') ? 'not-downloaded' : null,
      unreachable: shown('relay-unreachable'),
    });
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
}

/** Samples every frame of every page of the context from its first frame (install before navigating). */
export async function sampleFrames(context: BrowserContext): Promise<void> {
  await context.addInitScript(sampleEveryFrame);
}

/** Starts sampling now in a page already open (a new sampler replaces the samples so far). */
export async function sampleFramesNow(page: Page): Promise<void> {
  await page.evaluate(sampleEveryFrame);
}

export async function frames(page: Page): Promise<FrameSample[]> {
  return page.evaluate(() => window.concordFrames ?? []);
}

/** Frames on which the page or core claimed `synced` without it being true. */
export function falseSynced(samples: readonly FrameSample[], expectedTasks?: number): FrameSample[] {
  return samples.filter(
    (sample) =>
      (sample.page === 'synced' && sample.core !== 'synced') ||
      (sample.core === 'synced' && (sample.untitled > 0 || (expectedTasks !== undefined && sample.tasks !== expectedTasks))),
  );
}

/** How many times the page's status word changed over the samples. */
export function visibleChanges(samples: readonly FrameSample[]): number {
  let changes = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i]!.page !== samples[i - 1]!.page) changes++;
  return changes;
}
