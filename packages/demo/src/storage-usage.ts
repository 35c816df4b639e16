/**
 * Asks the browser to keep this origin's data (offline edits live only here until the relay confirms them, so eviction
 * under storage pressure would lose them), and shows how much it stores (IndexedDB, caches) in `element`, refreshed
 * now and then. A write that fails for lack of space surfaces through the list's `error` event, not here.
 */
export function showStorageUsage(element: HTMLElement, everyMs = 10_000): () => void {
  const storage = navigator.storage as StorageManager | undefined;
  if (!storage?.estimate) return () => {};
  let durability = '';
  const persistence = storage.persisted?.().then((already) => already || (storage.persist?.() ?? false));
  void persistence
    ?.then((granted) => {
      durability = granted ? 'persistent' : 'best effort';
      refresh();
    })
    .catch(() => {});
  const refresh = () => {
    storage
      .estimate()
      .then(({ usage, quota }) => {
        if (usage === undefined) return;
        const total = `Storage: ${formatBytes(usage)}${quota ? ` of ${formatBytes(quota)}` : ''}`;
        element.textContent = durability ? `${total} (${durability})` : total;
        element.dataset.persistent = String(durability === 'persistent');
      })
      .catch(() => {});
  };
  refresh();
  const timer = setInterval(refresh, everyMs);
  return () => clearInterval(timer);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
