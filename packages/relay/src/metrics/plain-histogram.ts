/**
 * Prometheus histograms the relay fills with plain arithmetic and renders when scraped: prom-client's Histogram hashes
 * its labels on every `observe`, about 2 % of the relay's busy time under paced fan-out when observed per write batch.
 */

/** One line of a histogram as prom-client's registry renders it (the shape `Metric.get()` returns). */
interface HistogramLine {
  readonly metricName: string;
  readonly labels: Record<string, string | number>;
  readonly value: number;
}

/**
 * The registry entry of a histogram: `bounds` ascending, `counts[i]` the observations at or below `bounds[i]`
 * (cumulative), `count` all of them.
 */
export function histogramMetric(name: string, help: string, read: () => { bounds: readonly number[]; counts: ArrayLike<number>; sum: number; count: number }) {
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get: () => {
      const { bounds, counts, sum, count } = read();
      const values: HistogramLine[] = bounds.map((le, i) => ({ metricName: `${name}_bucket`, labels: { le }, value: counts[i] ?? 0 }));
      values.push(
        { metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: count },
        { metricName: `${name}_sum`, labels: {}, value: sum },
        { metricName: `${name}_count`, labels: {}, value: count },
      );
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
}

/** A histogram without labels, observed with plain additions. */
export class PlainHistogram {
  readonly #bounds: readonly number[];
  /** Observations per bucket (not cumulative: one addition per observation). */
  readonly #perBucket: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.#perBucket = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    this.#sum += value;
    this.#count++;
    const bounds = this.#bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= (bounds[i] as number)) {
        this.#perBucket[i] = (this.#perBucket[i] as number) + 1;
        return;
      }
    }
  }

  /** As a registry entry named `name`. */
  metric(name: string, help: string) {
    return histogramMetric(name, help, () => {
      const counts = new Float64Array(this.#perBucket.length);
      let running = 0;
      this.#perBucket.forEach((inBucket, i) => (counts[i] = running += inBucket));
      return { bounds: this.#bounds, counts, sum: this.#sum, count: this.#count };
    });
  }
}
