import { RELAY_DEFAULTS } from './relay.js';

/**
 * The issue-5 flags of the relay (authentication, limits, compaction), kept apart from cli.ts so that file stays small.
 * Flags win over environment variables, which win over defaults. Only the CLI reads `process.env`.
 */
export const LIMIT_OPTIONS = {
  'auth-secret': { type: 'string' },
  'max-frame-bytes': { type: 'string' },
  'rate-limit': { type: 'string' },
  'rate-burst': { type: 'string' },
  'max-buffered-bytes': { type: 'string' },
  heartbeat: { type: 'string' },
  'compact-updates': { type: 'string' },
  'compact-bytes': { type: 'string' },
  'max-awareness-bytes': { type: 'string' },
  'max-awareness-states': { type: 'string' },
} as const;

export const LIMIT_USAGE = `  --auth-secret <s>    require HS256 tokens signed with this secret, >= 16 chars (CONCORD_AUTH_SECRET)
  --max-frame-bytes <n>  largest WebSocket message; larger: close 4413 (CONCORD_MAX_FRAME_BYTES, default ${RELAY_DEFAULTS.maxPayloadBytes})
  --rate-limit <n>     messages/s per connection, 0 = off; over: reads paused until it refills (CONCORD_RATE_LIMIT, default ${RELAY_DEFAULTS.rateLimitPerSecond})
  --rate-burst <n>     messages a connection may send at once (CONCORD_RATE_BURST, default ${RELAY_DEFAULTS.rateLimitBurst})
  --max-buffered-bytes <n>  send buffer bound; over: close 4503 (CONCORD_MAX_BUFFERED_BYTES, default ${RELAY_DEFAULTS.maxBufferedBytes})
  --heartbeat <ms>     ping period; dead sockets terminated, 0 = off (CONCORD_HEARTBEAT_MS, default ${RELAY_DEFAULTS.heartbeatMs})
  --compact-updates <n>  compact a document's log at this many updates (CONCORD_COMPACT_UPDATES, default ${RELAY_DEFAULTS.compactThreshold})
  --compact-bytes <n>  ... or this many bytes stored since the last compaction (CONCORD_COMPACT_BYTES, default ${RELAY_DEFAULTS.compactBytes})
  --max-awareness-bytes <n>  largest awareness state; larger: refused, not forwarded (CONCORD_MAX_AWARENESS_BYTES, default ${RELAY_DEFAULTS.maxAwarenessBytes})
  --max-awareness-states <n>  live awareness states per connection and document (CONCORD_MAX_AWARENESS_STATES, default ${RELAY_DEFAULTS.maxAwarenessStates})
Commands (see README): token, export, import, inspect, compact, verify, quarantine`;

export interface LimitSettings {
  readonly authSecret: string | null;
  readonly maxPayloadBytes: number;
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  readonly maxBufferedBytes: number;
  readonly heartbeatMs: number;
  readonly compactThreshold: number;
  readonly compactBytes: number;
  readonly maxAwarenessBytes: number;
  readonly maxAwarenessStates: number;
}

type Values = { readonly [K in keyof typeof LIMIT_OPTIONS]?: string | undefined };

/** Throws `makeError(message)` for a bad value. */
export function parseLimitSettings(values: Values, env: Readonly<Record<string, string | undefined>>, makeError: (message: string) => Error): LimitSettings {
  const pick = (flag: keyof Values, variable: string): string | undefined => {
    const fromEnv = env[variable];
    return values[flag] ?? (fromEnv === undefined || fromEnv === '' ? undefined : fromEnv);
  };
  const integer = (flag: keyof Values, variable: string, fallback: number, min: number): number => {
    const text = pick(flag, variable);
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
      throw makeError(`invalid --${flag} "${text}": expected an integer >= ${min}`);
    }
    return Number(text);
  };
  const authSecret = pick('auth-secret', 'CONCORD_AUTH_SECRET') ?? null;
  if (authSecret !== null && authSecret.length < 16) throw makeError('invalid --auth-secret: use at least 16 characters');
  return {
    authSecret,
    maxPayloadBytes: integer('max-frame-bytes', 'CONCORD_MAX_FRAME_BYTES', RELAY_DEFAULTS.maxPayloadBytes, 1024),
    rateLimitPerSecond: integer('rate-limit', 'CONCORD_RATE_LIMIT', RELAY_DEFAULTS.rateLimitPerSecond, 0),
    rateLimitBurst: integer('rate-burst', 'CONCORD_RATE_BURST', RELAY_DEFAULTS.rateLimitBurst, 1),
    maxBufferedBytes: integer('max-buffered-bytes', 'CONCORD_MAX_BUFFERED_BYTES', RELAY_DEFAULTS.maxBufferedBytes, 1024),
    heartbeatMs: integer('heartbeat', 'CONCORD_HEARTBEAT_MS', RELAY_DEFAULTS.heartbeatMs, 0),
    compactThreshold: integer('compact-updates', 'CONCORD_COMPACT_UPDATES', RELAY_DEFAULTS.compactThreshold, 2),
    compactBytes: integer('compact-bytes', 'CONCORD_COMPACT_BYTES', RELAY_DEFAULTS.compactBytes, 1),
    maxAwarenessBytes: integer('max-awareness-bytes', 'CONCORD_MAX_AWARENESS_BYTES', RELAY_DEFAULTS.maxAwarenessBytes, 1),
    maxAwarenessStates: integer('max-awareness-states', 'CONCORD_MAX_AWARENESS_STATES', RELAY_DEFAULTS.maxAwarenessStates, 1),
  };
}
