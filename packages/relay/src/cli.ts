import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { RelayError } from './errors.js';
import { optionFromText, optionUsage, RELAY_DEFAULTS, RELAY_OPTIONS, type OptionName } from './options.js';
import { startRelay, type Relay, type RelayOptions } from './relay.js';
import { DATA_COMMANDS, runDataCommand } from './commands/run-command.js';

/** Exit codes: 0 clean shutdown, 1 unexpected failure, 2 bad usage or unusable data directory / address. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

const USAGE = `Usage: concord-relay [options]

${optionUsage()}
  --log-level <level>        ${LOG_LEVELS.join('|')} (CONCORD_LOG_LEVEL, default info)
  -h, --help                 show this help
Commands (see README): ${DATA_COMMANDS.join(', ')}`;

class UsageError extends Error {}

interface CliSettings {
  /** What flags and variables set; `startRelay` applies the defaults and validates. */
  readonly relay: { -readonly [K in OptionName]?: number | string | boolean };
  readonly logLevel: LogLevel;
  readonly help: boolean;
}

const FLAGGED = (Object.keys(RELAY_OPTIONS) as OptionName[]).flatMap((name) => {
  const { flag, env, type } = RELAY_OPTIONS[name];
  return flag === null || env === null ? [] : [{ name, flag, env, type: type === 'boolean' ? ('boolean' as const) : ('string' as const) }];
});

/** Flags win over environment variables (an empty one counts as unset), which win over defaults. Throws UsageError or InvalidOptionError. */
export function parseSettings(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliSettings {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(FLAGGED.map(({ flag, type }) => [flag, { type }])),
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const relay: CliSettings['relay'] = {};
  for (const { name, flag, env: variable } of FLAGGED) {
    const value = values[flag] ?? (env[variable] === '' ? undefined : env[variable]);
    if (value !== undefined) relay[name] = typeof value === 'boolean' ? value : optionFromText(name, value);
  }
  const logLevel = values['log-level'] ?? (env.CONCORD_LOG_LEVEL || 'info');
  if (typeof logLevel !== 'string' || !(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new UsageError(`invalid log level "${String(logLevel)}": expected one of ${LOG_LEVELS.join(', ')}`);
  }
  return { relay, logLevel: logLevel as LogLevel, help: values.help === true };
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
    relay = await startRelay({ ...(settings.relay as RelayOptions), logger });
  } catch (error) {
    const code = error instanceof RelayError || isListenError(error) ? EXIT_USAGE : EXIT_FAILURE;
    fail(error instanceof Error ? error.message : String(error), code);
  }
  process.stdout.write(`concord-relay listening on ${relay.url}\n`);
  logger.info({ url: relay.url, data: settings.relay.dataDir ?? RELAY_DEFAULTS.dataDir, static: settings.relay.staticDir ?? null }, 'ready');

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
