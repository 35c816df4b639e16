import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { DEMO_DIR, startRelay, type RunningRelay } from './relay.js';

export interface Fixture {
  readonly relay: RunningRelay;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** The real relay serving the built demo, and a headless Chromium. Fails with a hint when the demo is not built. */
export async function startFixture(relayArgs: readonly string[] = []): Promise<Fixture> {
  if (!existsSync(join(DEMO_DIR, 'dist', 'index.html'))) {
    throw new Error('packages/demo/dist is missing: run `pnpm build` (root) or `pnpm --filter @concord/demo build` first');
  }
  const relay = await startRelay({ args: relayArgs });
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

/**
 * For a test file (call it inside its describe): the fixture and one browser context per entry of `contexts` (a separate
 * user each: own storage, own service worker), started before the file's own hooks and tests, closed after them.
 */
export function useFixture(contexts: readonly BrowserContextOptions[] = [{}], relayArgs: readonly string[] = []): { readonly baseUrl: string; readonly contexts: readonly BrowserContext[] } {
  let fixture: Fixture | undefined;
  let opened: BrowserContext[] = [];
  beforeAll(async () => {
    fixture = await startFixture(relayArgs);
    const { browser } = fixture;
    opened = await Promise.all(contexts.map((options) => browser.newContext(options)));
  });
  afterAll(async () => {
    await Promise.all(opened.map((context) => context.close()));
    await fixture?.close();
  });
  return {
    get baseUrl(): string {
      if (fixture === undefined) throw new Error('the fixture starts in beforeAll');
      return fixture.relay.httpUrl;
    },
    get contexts(): readonly BrowserContext[] {
      return opened;
    },
  };
}

/** A list id no other test (or earlier run against the same relay) uses. */
export function uniqueList(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
