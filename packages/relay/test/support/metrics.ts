/** One sample of a relay's Prometheus metrics (`GET /metrics`), e.g. `concord_relay_refused_total{reason="unauthorized"}`; 0 when absent. */
export async function relayMetric(relayUrl: string, sample: string): Promise<number> {
  const text = await (await fetch(`${relayUrl.replace(/^ws:/, 'http:')}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}
