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

  it('exports write batch latency as a cumulative histogram, its sum and its count', async () => {
    const metrics = new RelayMetrics();
    all.push(metrics);
    for (const seconds of [0.0002, 0.0005, 0.003, 0.003, 7]) metrics.persistedBatch(seconds);
    const text = await metrics.text();
    expect(text).toContain('# TYPE concord_relay_persist_seconds histogram\n');
    expect(text).toContain('concord_relay_persist_seconds_bucket{le="0.0005"} 2\n');
    expect(text).toContain('concord_relay_persist_seconds_bucket{le="0.0025"} 2\n');
    expect(text).toContain('concord_relay_persist_seconds_bucket{le="0.005"} 4\n');
    expect(text).toContain('concord_relay_persist_seconds_bucket{le="2.5"} 4\n');
    expect(text).toContain('concord_relay_persist_seconds_bucket{le="+Inf"} 5\n');
    expect(Number(/^concord_relay_persist_seconds_sum (\S+)$/m.exec(text)?.[1])).toBeCloseTo(7.0067, 9);
    expect(text).toContain('concord_relay_persist_seconds_count 5\n');
  });
});
