import { describe, expect, it } from 'vitest';
import { api } from './support/http-api.js';
import { useRawRelay } from './support/raw-relay.js';
import { waitFor } from './support/wait.js';

const fixture = useRawRelay(['--rate-limit', '1', '--rate-burst', '3']);

describe('HTTP API: the rate limit', () => {
  it('answers 429 with Retry-After once a caller is over the relay’s rate, and nothing of the refused write is stored', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(fixture.relay, 'POST', '/api/lists/limited/tasks', { body: { title: `t${i}` } })).status);
    expect(statuses).toEqual([201, 201, 201]);
    const refused = await api(fixture.relay, 'POST', '/api/lists/limited/tasks', { body: { title: 'one too many' } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('ERR_RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The OpenAPI document is not counted: it is the same for everyone and costs nothing to serve.
    expect((await api(fixture.relay, 'GET', '/api/openapi.json')).status).toBe(200);
    const list = await waitFor(async () => {
      const read = await api(fixture.relay, 'GET', '/api/lists/limited');
      return read.status === 200 ? read.body : null;
    }, 'the bucket refilled');
    expect(list.tasks.map((task) => task.title)).toEqual(['t0', 't1', 't2']);
  });
});
