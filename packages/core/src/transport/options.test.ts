import { describe, expect, it } from 'vitest';
import { DEFAULT_TRANSPORT_OPTIONS, resolveOptions, withToken } from './options.js';
import { fakeWebSocket } from './test-support/fake-socket.js';

const { WebSocket } = fakeWebSocket();

describe('transport options', () => {
  it('applies the exported defaults', () => {
    const options = resolveOptions({ url: 'ws://localhost:1', WebSocket, connectivity: null });
    expect(options.heartbeatIntervalMs).toBe(DEFAULT_TRANSPORT_OPTIONS.heartbeatIntervalMs);
    expect(options.backoffCapMs).toBe(30_000);
    expect(options.urls).toEqual(['ws://localhost:1']);
  });

  it.each([
    [{ url: [] }, /url/],
    [{ url: 'http://x' }, /ws: or wss:/],
    [{ url: 'not a url' }, /valid URL/],
    [{ url: 'ws://x', heartbeatIntervalMs: 5_000, heartbeatTimeoutMs: 5_000 }, /heartbeatTimeoutMs must exceed/],
    [{ url: 'ws://x', backoffBaseMs: 1_000, backoffCapMs: 500 }, /backoffCapMs/],
    [{ url: 'ws://x', backoffBaseMs: 0 }, /backoffBaseMs/],
    [{ url: 'ws://x', healthyAfterMs: -1 }, /healthyAfterMs/],
    [{ url: 'ws://x', token: 42 as unknown as string }, /token/],
  ])('throws TypeError for impossible options %#', (overrides, message) => {
    expect(() => resolveOptions({ WebSocket, connectivity: null, ...overrides })).toThrow(TypeError);
    expect(() => resolveOptions({ WebSocket, connectivity: null, ...overrides })).toThrow(message);
  });

  it('appends the token as a query parameter, keeping any other', () => {
    expect(withToken('ws://h:1/sync?x=1', 'a b')).toBe('ws://h:1/sync?x=1&token=a+b');
    expect(withToken('ws://h:1', undefined)).toBe('ws://h:1');
  });
});
