import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { DEMO_DIR, startRelay, type RunningRelay } from './relay.js';

export interface Fixture {
  readonly relay: RunningRelay;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** The real relay serving the built demo, and a headless Chromium. Fails with a hint when the demo is not built. */
export async function startFixture(): Promise<Fixture> {
  if (!existsSync(join(DEMO_DIR, 'dist', 'index.html'))) {
    throw new Error('packages/demo/dist is missing: run `pnpm build` (root) or `pnpm --filter @concord/demo build` first');
  }
  const relay = await startRelay();
  let browser: Browser;
  try {
    ({ browser } = await launchBrowser());
  } catch (error) {
    await relay.stop();
    throw error;
  }
  return {
    relay,
    browser,
    close: async () => {
      await browser.close().catch(() => {});
      await relay.stop();
    },
  };
}

/** A list id no other test (or earlier run against the same relay) uses. */
export function uniqueList(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
