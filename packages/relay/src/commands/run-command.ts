import { parseArgs } from 'node:util';
import { MAX_SHARE_TTL_SECONDS, newShareSub } from '../auth/share-links.js';
import { createToken, parseTtl } from '../auth/tokens.js';
import { RelayError } from '../errors.js';
import { historyCommand, restoreCommand } from './history-commands.js';
import { compactCommand, exportCommand, importCommand, inspectCommand, withData } from './data-commands.js';
import type { Output } from './output.js';
import { webhookAddCommand, webhookListCommand, webhookLogCommand, webhookRemoveCommand } from './webhook-commands.js';
import { quarantineExportCommand, quarantineListCommand, quarantineReleaseCommand, verifyCommand, VerifyFailedError } from './verify-commands.js';

/** Subcommands of `concord-relay`; anything else starts the relay. */
export const DATA_COMMANDS = ['token', 'share', 'export', 'import', 'inspect', 'compact', 'verify', 'quarantine', 'history', 'restore', 'webhooks'] as const;
type Command = (typeof DATA_COMMANDS)[number];

/** A usage or data-directory problem: one line on stderr, exit 2. */
export class CommandError extends Error {}

const USAGE: Readonly<Record<Command, string>> = {
  token: 'concord-relay token --secret S --list L [--list L2 | --list "*"] [--ro] [--ttl 1h] [--sub name]',
  share: 'concord-relay share --secret S --list L --url http://HOST:PORT/ [--ro] [--ttl 7d]',
  export: 'concord-relay export <doc> [--data dir] [--out file]',
  import: 'concord-relay import <doc> [--data dir] [--in file]',
  inspect: 'concord-relay inspect [--data dir] [--json]',
  compact: 'concord-relay compact [--data dir]',
  verify: 'concord-relay verify [<doc>] [--repair] [--data dir]',
  history: 'concord-relay history <doc> [--json] [--data dir]',
  restore: 'concord-relay restore <list> --to <time> [--only <sub>] [--data dir]',
  quarantine: 'concord-relay quarantine list [<doc>] [--json] | export <doc> <id> [--out file] | release <doc> <id> [--data dir]',
  webhooks: 'concord-relay webhooks add --list L --url U [--events created,renamed,…] [--secret S] | list | remove <id> | log [<id>] [--limit n] [--json] [--data dir]',
};

const stdio: Output = {
  out: (text) => process.stdout.write(text),
  progress: (text) => process.stderr.write(text),
};

/** Runs one subcommand; resolves with the exit code (0 ok, 1 failure, 2 usage or data directory unusable / locked). */
export async function runDataCommand(
  command: string,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: Output = stdio,
): Promise<number> {
  try {
    await run(command as Command, argv, env, output);
    return 0;
  } catch (error) {
    const usage = error instanceof CommandError || error instanceof RelayError;
    const message = error instanceof Error ? error.message : String(error);
    // verify's findings are already on stdout; the exit code says there were some.
    if (error instanceof VerifyFailedError) {
      process.stderr.write(`concord-relay ${command}: ${message}\n`);
      return 1;
    }
    process.stderr.write(`concord-relay ${command}: ${message.split('\n')[0] ?? message}\n`);
    return usage ? 2 : 1;
  }
}

async function run(command: Command, argv: readonly string[], env: Readonly<Record<string, string | undefined>>, output: Output): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        secret: { type: 'string' },
        list: { type: 'string', multiple: true },
        ro: { type: 'boolean' },
        ttl: { type: 'string' },
        sub: { type: 'string' },
        data: { type: 'string' },
        out: { type: 'string' },
        in: { type: 'string' },
        json: { type: 'boolean' },
        repair: { type: 'boolean' },
        to: { type: 'string' },
        only: { type: 'string' },
        url: { type: 'string' },
        events: { type: 'string' },
        limit: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CommandError(`${error instanceof Error ? error.message : String(error)} (usage: ${USAGE[command]})`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(`${USAGE[command]}\n`);
    return;
  }
  const dataDir = values.data ?? (env.CONCORD_DATA || './data');
  const needDoc = (): string => {
    if (positionals.length !== 1 || positionals[0] === '') throw new CommandError(`expected one document name (usage: ${USAGE[command]})`);
    return positionals[0] as string;
  };
  const noPositionals = (): void => {
    if (positionals.length > 0) throw new CommandError(`unexpected argument "${positionals[0]}" (usage: ${USAGE[command]})`);
  };
  switch (command) {
    case 'token': {
      noPositionals();
      const secret = values.secret ?? env.CONCORD_AUTH_SECRET;
      if (!secret) throw new CommandError(`--secret (or CONCORD_AUTH_SECRET) is required (usage: ${USAGE.token})`);
      if (secret.length < 16) throw new CommandError('the secret must have at least 16 characters');
      const lists = values.list ?? [];
      if (lists.length === 0) throw new CommandError(`at least one --list is required (usage: ${USAGE.token})`);
      const ttlSeconds = parseTtl(values.ttl ?? '1h');
      if (Number.isNaN(ttlSeconds)) throw new CommandError(`invalid --ttl "${values.ttl}": expected e.g. 30s, 15m, 1h, 7d`);
      const token = await createToken({ secret, lists: lists.includes('*') ? '*' : lists, mode: values.ro ? 'ro' : 'rw', ttlSeconds, sub: values.sub ?? 'cli' });
      output.out(`${token}\n`);
      return;
    }
    case 'share': {
      noPositionals();
      const secret = values.secret ?? env.CONCORD_AUTH_SECRET;
      if (!secret) throw new CommandError(`--secret (or CONCORD_AUTH_SECRET) is required (usage: ${USAGE.share})`);
      const lists = values.list ?? [];
      if (lists.length !== 1) throw new CommandError(`exactly one --list is required (usage: ${USAGE.share})`);
      let base: URL;
      try {
        base = new URL(values.url ?? '');
        if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError('not http');
      } catch {
        throw new CommandError(`--url must be the http(s) address the relay serves the app on (usage: ${USAGE.share})`);
      }
      const ttlSeconds = parseTtl(values.ttl ?? '7d');
      if (Number.isNaN(ttlSeconds)) throw new CommandError(`invalid --ttl "${values.ttl}": expected e.g. 30s, 15m, 1h, 7d`);
      output.out(`${await shareLinkUrl(secret, base, lists[0]!, values.ro ? 'ro' : 'rw', ttlSeconds)}\n`);
      return;
    }
    case 'export':
      return exportCommand(dataDir, needDoc(), values.out ?? null, output);
    case 'import':
      return importCommand(dataDir, needDoc(), values.in ?? null, output);
    case 'inspect':
      noPositionals();
      return inspectCommand(dataDir, values.json ?? false, output);
    case 'compact':
      noPositionals();
      return compactCommand(dataDir, output);
    case 'verify':
      if (positionals.length > 1) throw new CommandError(`expected at most one document name (usage: ${USAGE.verify})`);
      return withData(dataDir, (storage) => verifyCommand(storage, positionals[0] ?? null, values.repair ?? false, output));
    case 'history': {
      const doc = needDoc();
      return withData(dataDir, (storage) => historyCommand(storage, doc, values.json ?? false, output));
    }
    case 'restore': {
      const list = needDoc();
      if (values.to === undefined) throw new CommandError(`--to <time> is required (usage: ${USAGE.restore})`);
      const to = values.to;
      return withData(dataDir, (storage) => restoreCommand(storage, list, to, values.only ?? null, output));
    }
    case 'quarantine':
      return runQuarantine(positionals, dataDir, values, output);
    case 'webhooks':
      return runWebhooks(positionals, dataDir, values, output);
  }
}

function runQuarantine(positionals: readonly string[], dataDir: string, values: { json?: boolean; out?: string }, output: Output): Promise<void> {
  const [action, doc, idText, ...rest] = positionals;
  const entry = (): { doc: string; id: number } => {
    const id = Number(idText);
    if (!doc || idText === undefined || !/^\d+$/.test(idText) || rest.length > 0) throw new CommandError(`expected a document name and an id (usage: ${USAGE.quarantine})`);
    return { doc, id };
  };
  switch (action) {
    case 'list':
      if (idText !== undefined) throw new CommandError(`expected at most one document name (usage: ${USAGE.quarantine})`);
      return withData(dataDir, (storage) => quarantineListCommand(storage, doc ?? null, values.json ?? false, output));
    case 'export': {
      const { doc: name, id } = entry();
      return withData(dataDir, (storage) => quarantineExportCommand(storage, name, id, values.out ?? null, output));
    }
    case 'release': {
      const { doc: name, id } = entry();
      return withData(dataDir, (storage) => quarantineReleaseCommand(storage, name, id, output));
    }
    default:
      throw new CommandError(`expected list, export or release (usage: ${USAGE.quarantine})`);
  }
}

function runWebhooks(
  positionals: readonly string[],
  dataDir: string,
  values: { list?: string[]; url?: string; events?: string; secret?: string; limit?: string; json?: boolean },
  output: Output,
): Promise<void> {
  const [action, id, ...rest] = positionals;
  if (rest.length > 0) throw new CommandError(`unexpected argument "${rest[0]}" (usage: ${USAGE.webhooks})`);
  switch (action) {
    case 'add': {
      if (id !== undefined) throw new CommandError(`unexpected argument "${id}" (usage: ${USAGE.webhooks})`);
      if ((values.list?.length ?? 0) > 1) throw new CommandError('a webhook follows one list: give --list once');
      const { url, events, secret } = values;
      const list = values.list?.[0];
      return webhookAddCommand(dataDir, { ...(list === undefined ? {} : { list }), ...(url === undefined ? {} : { url }), ...(events === undefined ? {} : { events }), ...(secret === undefined ? {} : { secret }) }, output);
    }
    case 'list':
      return webhookListCommand(dataDir, output);
    case 'remove':
      if (id === undefined) throw new CommandError(`expected a webhook id (usage: ${USAGE.webhooks})`);
      return webhookRemoveCommand(dataDir, id, output);
    case 'log': {
      const limit = values.limit === undefined ? 100 : Number(values.limit);
      if (!Number.isSafeInteger(limit) || limit < 1) throw new CommandError('--limit must be a positive integer');
      return webhookLogCommand(dataDir, id ?? null, limit, values.json ?? false, output);
    }
    default:
      throw new CommandError(`expected add, list, remove or log (usage: ${USAGE.webhooks})`);
  }
}

/**
 * The demo app's link to `list` with a token scoped to it (`?list=…&token=…` on the app's address): what an operator
 * hands to the first person of a list on a relay with `--auth-secret`. At most 30 days, like links minted over HTTP.
 */
async function shareLinkUrl(secret: string, base: URL, list: string, mode: 'rw' | 'ro', ttlSeconds: number): Promise<string> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(list)) throw new CommandError(`"${list}" is not a list id (1-128 of A-Z a-z 0-9 _ -)`);
  if (ttlSeconds > MAX_SHARE_TTL_SECONDS) throw new CommandError('--ttl may be at most 30d');
  if (secret.length < 16) throw new CommandError('the secret must have at least 16 characters');
  const token = await createToken({ secret, lists: [list], mode, ttlSeconds, sub: newShareSub() });
  const url = new URL(base);
  url.searchParams.set('list', list);
  url.searchParams.set('token', token);
  return url.toString();
}
