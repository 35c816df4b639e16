import { InvalidOptionError } from './errors.js';

/**
 * The relay's options, in one table: each option's default, the values it accepts, and its command-line flag and
 * environment variable. `startRelay` and `RelayEngine` validate with `checkOptions`, the CLI reads flags and
 * variables with `optionFromText` and `--help` is written from the same rows, so a limit is stated once.
 */
interface Spec {
  /** The command-line flag without its dashes; null for an option only the API has. */
  readonly flag: string | null;
  readonly env: string | null;
  /** The value's placeholder in `--help`. */
  readonly arg?: string;
  readonly help: string;
  readonly default: number | string | boolean | null;
  readonly type: 'integer' | 'string' | 'boolean' | 'secret' | 'redis-url';
  /** Integers: the smallest and largest accepted. */
  readonly min?: number;
  readonly max?: number;
}

/** Every relay option: its command-line flag, environment variable, type, bounds, default and help line (the CLI, `startRelay` and the README are built from this table). */
export const RELAY_OPTIONS = {
  host: { flag: 'host', env: 'CONCORD_HOST', arg: '<addr>', type: 'string', default: '127.0.0.1', help: 'interface to listen on' },
  port: { flag: 'port', env: 'CONCORD_PORT', arg: '<n>', type: 'integer', min: 0, max: 65535, default: 1234, help: 'TCP port, 0 = any free port' },
  dataDir: { flag: 'data', env: 'CONCORD_DATA', arg: '<dir>', type: 'string', default: './data', help: 'LevelDB directory' },
  staticDir: { flag: 'static', env: 'CONCORD_STATIC', arg: '<dir>', type: 'string', default: null, help: 'serve this folder over HTTP' },
  idleUnloadMs: { flag: 'idle-unload', env: 'CONCORD_IDLE_UNLOAD_MS', arg: '<ms>', type: 'integer', min: 0, default: 5_000, help: 'unload documents idle this long' },
  fsync: { flag: 'fsync', env: 'CONCORD_FSYNC', type: 'boolean', default: false, help: 'fsync every write' },
  redis: { flag: 'redis', env: 'CONCORD_REDIS', arg: '<url>', type: 'redis-url', default: null, help: 'share documents with the relays on this Redis, redis://HOST:PORT' },
  authSecret: { flag: 'auth-secret', env: 'CONCORD_AUTH_SECRET', arg: '<s>', type: 'secret', min: 16, default: null, help: 'require HS256 tokens signed with this secret, >= 16 chars' },
  maxPayloadBytes: {
    flag: 'max-frame-bytes',
    env: 'CONCORD_MAX_FRAME_BYTES',
    arg: '<n>',
    type: 'integer',
    min: 1024,
    default: 16 * 1024 * 1024,
    help: 'largest WebSocket message; larger: close 4413',
  },
  rateLimitPerSecond: {
    flag: 'rate-limit',
    env: 'CONCORD_RATE_LIMIT',
    arg: '<n>',
    type: 'integer',
    min: 0,
    default: 2_000,
    help: 'messages/s per connection, 0 = off; over: reads paused until it refills',
  },
  rateLimitBurst: { flag: 'rate-burst', env: 'CONCORD_RATE_BURST', arg: '<n>', type: 'integer', min: 1, default: 4_000, help: 'messages a connection may send at once' },
  maxBufferedBytes: {
    flag: 'max-buffered-bytes',
    env: 'CONCORD_MAX_BUFFERED_BYTES',
    arg: '<n>',
    type: 'integer',
    min: 1024,
    default: 8 * 1024 * 1024,
    help: 'send buffer bound; over: close 4503',
  },
  heartbeatMs: { flag: 'heartbeat', env: 'CONCORD_HEARTBEAT_MS', arg: '<ms>', type: 'integer', min: 0, default: 30_000, help: 'ping period; dead sockets terminated, 0 = off' },
  compactThreshold: {
    flag: 'compact-updates',
    env: 'CONCORD_COMPACT_UPDATES',
    arg: '<n>',
    type: 'integer',
    min: 2,
    // A reload is one range read: a few hundred updates load fast, and compaction rewrites the whole document.
    default: 500,
    help: "compact a document's log at this many updates",
  },
  compactBytes: {
    flag: 'compact-bytes',
    env: 'CONCORD_COMPACT_BYTES',
    arg: '<n>',
    type: 'integer',
    min: 1,
    default: 4 * 1024 * 1024,
    help: '... or this many bytes stored since the last compaction',
  },
  maxAwarenessBytes: {
    flag: 'max-awareness-bytes',
    env: 'CONCORD_MAX_AWARENESS_BYTES',
    arg: '<n>',
    type: 'integer',
    min: 1,
    // A presence state (name, colour, cursor, the task and field being edited) is a few hundred bytes; a tab of the demo
    // introduces one state per document. Far past both, a state or a flood of states only costs every newcomer.
    default: 64 * 1024,
    help: 'largest awareness state; larger: refused, not forwarded',
  },
  maxAwarenessStates: {
    flag: 'max-awareness-states',
    env: 'CONCORD_MAX_AWARENESS_STATES',
    arg: '<n>',
    type: 'integer',
    min: 1,
    default: 8,
    help: 'live awareness states per connection and document',
  },
  apiMaxBodyBytes: {
    flag: 'api-max-body',
    env: 'CONCORD_API_MAX_BODY',
    arg: '<n>',
    type: 'integer',
    min: 1024,
    // The longest title and description the API accepts, as UTF-8 (up to 3 bytes per UTF-16 unit), with room to spare.
    default: 512 * 1024,
    help: 'largest HTTP API request body; larger: 413',
  },
  webhookAllow: {
    flag: 'webhook-allow',
    env: 'CONCORD_WEBHOOK_ALLOW',
    arg: '<hosts>',
    type: 'string',
    default: null,
    help: 'hosts (host or host:port, comma-separated) webhooks may call; none by default',
  },
  webhookRetryMs: {
    flag: 'webhook-retry',
    env: 'CONCORD_WEBHOOK_RETRY_MS',
    arg: '<ms>',
    type: 'integer',
    min: 1,
    default: 1_000,
    help: 'first webhook retry delay, doubling up to 5 min',
  },
  metrics: { flag: null, env: null, type: 'boolean', default: true, help: 'serve Prometheus metrics at GET /metrics' },
} as const satisfies Record<string, Spec>;

/** The name of a relay option, as `startRelay` takes it. */
export type OptionName = keyof typeof RELAY_OPTIONS;
/** The default value of every relay option. */
export type RelayDefaults = {
  // Each literal default widened to its type: a default of 1234 stands for any number.
  readonly [K in OptionName]: (typeof RELAY_OPTIONS)[K]['default'] extends number
    ? number
    : (typeof RELAY_OPTIONS)[K]['default'] extends string
      ? string
      : (typeof RELAY_OPTIONS)[K]['default'] extends boolean
        ? boolean
        : (typeof RELAY_OPTIONS)[K]['default'];
};

/** Every option's default. */
export const RELAY_DEFAULTS = Object.fromEntries(Object.entries(RELAY_OPTIONS).map(([name, spec]) => [name, spec.default])) as RelayDefaults;

function spec(name: OptionName): Spec {
  return RELAY_OPTIONS[name];
}

/** What the option accepts, in words, with where else it can be set. */
function expectation(name: OptionName): string {
  const { type, min, max, flag, env } = spec(name);
  const where = flag === null ? '' : ` (--${flag}, ${env})`;
  const what =
    type === 'integer' ? (max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`)
    : type === 'secret' ? `a string of at least ${min} characters`
    : type === 'redis-url' ? 'a URL redis://HOST:PORT or rediss://HOST:PORT'
    : `a ${type}`;
  return `${name}${where} must be ${what}`;
}

function isValid(name: OptionName, value: unknown): boolean {
  const { type, min = 0, max = Number.MAX_SAFE_INTEGER, default: fallback } = spec(name);
  if (value === null) return fallback === null;
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
    case 'string':
      return typeof value === 'string' && value !== '';
    case 'boolean':
      return typeof value === 'boolean';
    case 'secret':
      return typeof value === 'string' && value.length >= min;
    case 'redis-url':
      return typeof value === 'string' && URL.canParse(value) && ['redis:', 'rediss:'].includes(new URL(value).protocol);
  }
}

/** Throws InvalidOptionError for the first option among `names` that is set (not undefined) to a value it does not accept. */
export function checkOptions(options: { readonly [K in OptionName]?: unknown }, names: readonly OptionName[] = Object.keys(RELAY_OPTIONS) as OptionName[]): void {
  for (const name of names) {
    const value = options[name];
    if (value !== undefined && !isValid(name, value)) {
      const shown = spec(name).type === 'secret' ? 'a shorter one' : typeof value === 'object' ? 'an object' : JSON.stringify(value);
      throw new InvalidOptionError(`${expectation(name)}; got ${shown}`);
    }
  }
}

/** The option's value from a flag's or a variable's text: an integer option's text must be digits. Throws InvalidOptionError. */
export function optionFromText(name: OptionName, text: string): number | string | boolean {
  const { type, flag } = spec(name);
  if (type === 'boolean') return ['1', 'true', 'yes'].includes(text.toLowerCase());
  if (type !== 'integer') return text;
  if (!/^\d+$/.test(text)) throw new InvalidOptionError(`invalid --${flag} "${text}": ${expectation(name)}`);
  return Number(text);
}

/** `--help` lines of the options that have a flag, the environment variable and default after each. */
export function optionUsage(): string {
  const lines = Object.entries(RELAY_OPTIONS).map(([, option]: [string, Spec]) => {
    if (option.flag === null) return null;
    const left = `  --${option.flag}${option.arg === undefined ? '' : ` ${option.arg}`}`;
    const variable = option.type === 'boolean' ? `${option.env}=1` : option.default === null ? option.env : `${option.env}, default ${String(option.default)}`;
    return `${left.padEnd(26)} ${option.help} (${variable})`;
  });
  return lines.filter((line) => line !== null).join('\n');
}
