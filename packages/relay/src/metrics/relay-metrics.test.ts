import { afterEach, describe, expect, it } from 'vitest';
import { RelayMetrics } from './relay-metrics.js';

const all: RelayMetrics[] = [];
afterEach(() => {
  for (const metrics of all.splice(0)) metrics.close();
});

describe('RelayMetrics', () => {
  it('counts persisted updates, their bytes and their forwards in every scrape, also between scrapes', async () => {
    const metrics = new RelayMetrics();
    all.push(metrics);
    metrics.persisted(10, 2);
    metrics.persisted(5, 0);
    const first = await metrics.text();
    expect(first).toContain('concord_relay_updates_in_total 2\n');
    expect(first).toContain('concord_relay_update_bytes_in_total 15\n');
    expect(first).toContain('concord_relay_updates_out_total 2\n');
    metrics.persisted(1, 3);
    expect(await metrics.updatesOut.get()).toMatchObject({ values: [{ value: 5 }] });
    const second = await metrics.text();
    expect(second).toContain('concord_relay_updates_in_total 3\n');
    expect(second).toContain('concord_relay_update_bytes_in_total 16\n');
    expect(second).toContain('concord_relay_updates_out_total 5\n');
  });
});
