import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { RelayError } from './errors.js';
import { RELAY_DEFAULTS, startRelay, type Relay } from './relay.js';
import { LIMIT_OPTIONS, LIMIT_USAGE, parseLimitSettings, type LimitSettings } from './cli-limits.js';
import { DATA_COMMANDS, runDataCommand } from './commands/run-command.js';

/** Exit codes: 0 clean shutdown, 1 unexpected failure, 2 bad usage or unusable data directory / address. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

const USAGE = `Usage: concord-relay [options]

  --host <addr>        interface to listen on         (CONCORD_HOST, default ${RELAY_DEFAULTS.host})
  --port <n>           TCP port, 0 = any free port    (CONCORD_PORT, default ${RELAY_DEFAULTS.port})
  --data <dir>         LevelDB directory              (CONCORD_DATA, default ${RELAY_DEFAULTS.dataDir})
  --static <dir>       serve this folder over HTTP    (CONCORD_STATIC)
  --log-level <level>  ${LOG_LEVELS.join('|')}  (CONCORD_LOG_LEVEL, default info)
  --idle-unload <ms>   unload documents idle this long (CONCORD_IDLE_UNLOAD_MS, default ${RELAY_DEFAULTS.idleUnloadMs})
  --fsync              fsync every write              (CONCORD_FSYNC=1)
  --redis <url>        share documents with the relays on this Redis, redis://HOST:PORT (CONCORD_REDIS)
${LIMIT_USAGE}
  -h, --help           show this help`;

class UsageError extends Error {}

interface CliSettings {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly staticDir: string | null;
  readonly logLevel: LogLevel;
  readonly fsync: boolean;
  readonly idleUnloadMs: number;
  readonly redis: string | null;
  readonly limits: LimitSettings;
  readonly help: boolean;
}

/** Flags win over environment variables, which win over defaults. Throws UsageError. */
export function parseSettings(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliSettings {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        data: { type: 'string' },
        static: { type: 'string' },
        'log-level': { type: 'string' },
        fsync: { type: 'boolean' },
        'idle-unload': { type: 'string' },
        redis: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...LIMIT_OPTIONS,
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const nonEmpty = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);
  const portText = values.port ?? nonEmpty(env.CONCORD_PORT) ?? String(RELAY_DEFAULTS.port);
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`invalid port "${portText}": expected an integer from 0 to 65535`);
  const logLevel = values['log-level'] ?? nonEmpty(env.CONCORD_LOG_LEVEL) ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) throw new UsageError(`invalid log level "${logLevel}": expected one of ${LOG_LEVELS.join(', ')}`);
  const idleText = values['idle-unload'] ?? nonEmpty(env.CONCORD_IDLE_UNLOAD_MS) ?? String(RELAY_DEFAULTS.idleUnloadMs);
  if (!/^\d+$/.test(idleText)) throw new UsageError(`invalid idle unload "${idleText}": expected milliseconds (an integer >= 0)`);
  const host = values.host ?? nonEmpty(env.CONCORD_HOST) ?? RELAY_DEFAULTS.host;
  const dataDir = values.data ?? nonEmpty(env.CONCORD_DATA) ?? RELAY_DEFAULTS.dataDir;
  return {
    host,
    port,
    dataDir,
    staticDir: values.static ?? nonEmpty(env.CONCORD_STATIC) ?? null,
    logLevel: logLevel as LogLevel,
    fsync: values.fsync ?? ['1', 'true', 'yes'].includes(env.CONCORD_FSYNC ?? ''),
    idleUnloadMs: Number(idleText),
    redis: parseRedisUrl(values.redis ?? nonEmpty(env.CONCORD_REDIS) ?? null),
    limits: parseLimitSettings(values, env, (message) => new UsageError(message)),
    help: values.help ?? false,
  };
}

/** `redis://HOST:PORT` or `rediss://…`; throws UsageError otherwise. */
function parseRedisUrl(text: string | null): string | null {
  if (text === null) return null;
  let protocol = '';
  try {
    protocol = new URL(text).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new UsageError(`invalid Redis URL "${text}": expected redis://HOST:PORT`);
  return text;
}

function fail(message: string, code: number): never {
  process.stderr.write(`concord-relay: ${message.split('\n')[0] ?? message}\n`);
  process.exit(code);
}

/** The executable: reads argv and the environment (the only module that does), starts the relay, handles signals. */
export async function runCli(): Promise<void> {
  const command = process.argv[2];
  if (command !== undefined && (DATA_COMMANDS as readonly string[]).includes(command)) {
    // exitCode, not exit(): let stdout (an exported document) flush first.
    process.exitCode = await runDataCommand(command, process.argv.slice(3), process.env);
    return;
  }
  let settings: CliSettings;
  try {
    settings = parseSettings(process.argv.slice(2), process.env);
  } catch (error) {
    fail(`${error instanceof Error ? error.message : String(error)} (see --help)`, EXIT_USAGE);
  }
  if (settings.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  // Logs go to stderr so stdout carries only the ready line.
  const logger: Logger = pino({ level: settings.logLevel, base: { name: 'concord-relay' } }, pino.destination({ fd: 2, sync: true }));
  let relay: Relay;
  try {
    relay = await startRelay({
      host: settings.host,
      port: settings.port,
      dataDir: settings.dataDir,
      staticDir: settings.staticDir,
      fsync: settings.fsync,
      idleUnloadMs: settings.idleUnloadMs,
      redis: settings.redis,
      ...settings.limits,
      logger,
    });
  } catch (error) {
    const code = error instanceof RelayError || isListenError(error) ? EXIT_USAGE : EXIT_FAILURE;
    fail(error instanceof Error ? error.message : String(error), code);
  }
  process.stdout.write(`concord-relay listening on ${relay.url}\n`);
  logger.info({ url: relay.url, data: settings.dataDir, static: settings.staticDir }, 'ready');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    relay.close().then(
      () => process.exit(EXIT_OK),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(EXIT_FAILURE);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function isListenError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES' || code === 'ENOTFOUND';
}
