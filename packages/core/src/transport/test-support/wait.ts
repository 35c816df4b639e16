/** Polls `condition` until it holds or `timeoutMs` passes; never a fixed sleep. */
export async function waitFor(condition: () => boolean, { timeoutMs = 10_000, intervalMs = 10, what = 'condition' } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
