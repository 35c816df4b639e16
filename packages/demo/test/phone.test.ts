import type { Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addTask, openDemo, pageErrors, until } from './support/demo-page.js';
import { uniqueList, useFixture } from './support/fixture.js';

const LONG = 'Ask the landlord whether the balcony railing can be repainted before the neighbours’ summer party';

/** Interactive elements on screen smaller than 44 x 44 CSS px, measured from the DOM. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const selector = 'button, input, textarea, select, summary, a[href], [contenteditable], [role="switch"]';
    return [...document.querySelectorAll<HTMLElement>(selector)]
      .filter((element) => {
        const style = getComputedStyle(element);
        const rect = element.getBoundingClientRect();
        const hidden = rect.width <= 1 || rect.height <= 1 || style.visibility === 'hidden' || element.closest('details:not([open]) > :not(summary)');
        return !hidden && (rect.width < 44 || rect.height < 44);
      })
      .map((element) => `${element.tagName.toLowerCase()}[data-testid=${element.dataset.testid ?? ''}] ${element.className} ${Math.round(element.getBoundingClientRect().width)}x${Math.round(element.getBoundingClientRect().height)}`);
  });
}

describe('on a phone (390 x 844, touch)', () => {
  const fixture = useFixture([{ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }]);
  let page: Page;

  beforeEach(async () => {
    page = await openDemo(fixture.contexts[0]!, fixture.baseUrl, uniqueList('phone'), 'Ada');
    for (const title of [LONG, 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight']) await addTask(page, title);
    await page.locator('[data-testid="task-toggle"]').nth(1).tap();
    await page.getByTestId('completed-section').waitFor();
  });

  afterEach(async () => {
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it('has no horizontal scroll, wraps long titles and keeps every touch target at least 44 x 44 px', async () => {
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      scroller: document.querySelector('.scroller')!.scrollWidth,
      viewport: window.innerWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(widths.scroller).toBeLessThanOrEqual(widths.viewport);
    const title = page.locator('[data-testid="task-title"]').first();
    expect(await title.inputValue()).toBe(LONG);
    // Rows off screen are not laid out (content-visibility): measure it on screen.
    await title.scrollIntoViewIfNeeded();
    const fits = () => title.evaluate((field: HTMLTextAreaElement) => field.clientHeight > 44 && field.scrollHeight <= field.clientHeight + 1);
    await until(fits, 'the long title wrapped, whole');
    await page.getByTestId('list-switcher').tap();
    expect(await smallTargets(page)).toEqual([]);
    // The Lists menu opens whole on the screen (its New list field and buttons reachable), not off its left edge.
    const menu = await page.locator('.switcher-menu').evaluate((element) => {
      const rect = element.getBoundingClientRect();
      return { left: rect.left, right: rect.right, viewport: window.innerWidth };
    });
    expect(menu.left).toBeGreaterThanOrEqual(0);
    expect(menu.right).toBeLessThanOrEqual(menu.viewport);
    await page.getByTestId('list-switcher').tap();
    await page.getByTestId('share-link').tap();
    await page.getByTestId('share-url').waitFor();
    expect(await smallTargets(page)).toEqual([]);
  });

  it('tapping Delete keeps the keyboard down, and the toast covers nothing', async () => {
    await page.getByTestId('task-delete').nth(2).tap();
    await page.getByTestId('toast').waitFor();
    await until(async () => (await page.getByTestId('task').count()) === 7, 'the task deleted');
    const focus = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      return { tag: element?.tagName, editable: element?.isContentEditable, testId: element?.dataset.testid };
    });
    expect(['INPUT', 'TEXTAREA'].includes(focus.tag ?? '') || focus.editable).toBe(false);
    // Scrolled to the very end, the last rows and everything else sit above the toast, not under it.
    await page.evaluate(() => document.querySelector('.scroller')!.scrollTo(0, 1e6));
    const overlap = await page.evaluate(() => {
      const toast = document.querySelector('[data-testid="toast"]')!.getBoundingClientRect();
      const content = [...document.querySelectorAll<HTMLElement>('.scroller *')].filter((element) => element.children.length === 0);
      return content
        .map((element) => ({ element, rect: element.getBoundingClientRect() }))
        .filter(({ rect }) => rect.width > 0 && rect.height > 0 && rect.bottom > toast.top && rect.top < toast.bottom && rect.right > toast.left && rect.left < toast.right)
        .filter(({ element }) => {
          // Only what is on screen in its scroller counts: content scrolled out of view is not covered.
          const scroller = element.closest('.scroller')!.getBoundingClientRect();
          const rect = element.getBoundingClientRect();
          return rect.top < scroller.bottom && rect.bottom > scroller.top;
        })
        .map(({ element }) => element.outerHTML.slice(0, 80));
    });
    expect(overlap).toEqual([]);
    // And the scrolling area itself ends where the toast begins.
    const edges = await page.evaluate(() => ({
      scroller: Math.min(document.querySelector('.scroller')!.getBoundingClientRect().bottom, window.innerHeight),
      toast: document.querySelector('[data-testid="toast"]')!.getBoundingClientRect().top,
    }));
    expect(edges.scroller).toBeLessThanOrEqual(edges.toast);
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);
  });

  it('shows no keyboard hints', async () => {
    const text = await page.locator('body').innerText();
    for (const hint of ['Alt+', 'Ctrl+', '⌘', '↑/↓', 'Esc ']) expect(text, hint).not.toContain(hint);
    // Nor the screen readers' description of the list's keys (a touch screen reader moves by swipes, not arrows).
    expect(await page.getByTestId('task-keys-hint').count()).toBe(0);
    expect(await page.getByTestId('task-title').first().getAttribute('aria-describedby')).toBeNull();
    await page.getByTestId('task-delete').first().tap();
    expect(await page.getByTestId('toast').innerText()).not.toContain('Ctrl');
    const handleLabel = await page.getByTestId('task-handle').first().getAttribute('aria-label');
    expect(handleLabel).not.toContain('Arrow');
  });
});
