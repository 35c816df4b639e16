import './styles.css';

/**
 * The page's entry. When index.html painted this device's copy of the list (src/first-screen/), that frame is shown
 * before the app's code is evaluated, which takes about 100 ms after a browser restart: a module's static imports
 * are all evaluated before its first line runs, so the app is a chunk of its own, imported after the frame.
 */
async function boot(): Promise<void> {
  if (document.querySelector('concord-app > [data-first-screen]')) await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const app = await import('./app-start.js');
  await app.start().catch((error: unknown) => document.querySelector('concord-app')?.showError(`Could not open the list: ${app.describe(error)}`));
}

boot().catch((error: unknown) => {
  // The app's code could not load (a network failure with no service worker yet): say so in place of the page.
  document.querySelector('concord-app')!.textContent = `Concord could not start: ${error instanceof Error ? error.message : String(error)}`;
});
