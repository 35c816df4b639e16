import { describe, expect, it } from 'vitest';
import { InvalidOptionError, MemoryStorage, RELAY_DEFAULTS, RELAY_OPTIONS, RelayEngine, startRelay } from '../src/index.js';
import { runRelayCli, useRelayData } from './support/relay-process.js';

const data = useRelayData();

describe('relay options: one table, one validation', () => {
  it('the CLI, startRelay and new RelayEngine refuse an impossible value with the same message', async () => {
    const message = 'compactThreshold (--compact-updates, CONCORD_COMPACT_UPDATES) must be an integer >= 2; got 1';
    await expect(startRelay({ storage: new MemoryStorage(), compactThreshold: 1 })).rejects.toThrow(message);
    expect(() => new RelayEngine({ storage: new MemoryStorage(), compactThreshold: 1 })).toThrow(new InvalidOptionError(message));
    const cli = await runRelayCli(['--port', '0', '--data', data.path, '--compact-updates', '1']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toBe(`concord-relay: ${message}\n`);
  });

  it.each(Object.entries(RELAY_OPTIONS).filter(([, option]) => option.type === 'integer'))(
    'startRelay refuses %s below its minimum, naming its flag',
    async (name, option) => {
      const below = ('min' in option ? option.min : 0) - 1;
      const refusal = startRelay({ storage: new MemoryStorage(), [name]: below });
      await expect(refusal).rejects.toBeInstanceOf(InvalidOptionError);
      await expect(refusal).rejects.toThrow(`--${option.flag}`);
    },
  );

  it('each default is accepted by its own rule, and --help shows it', async () => {
    const help = (await runRelayCli(['--help'])).stdout;
    for (const [name, option] of Object.entries(RELAY_OPTIONS)) {
      expect(RELAY_DEFAULTS[name as keyof typeof RELAY_DEFAULTS]).toBe(option.default);
      if (option.flag !== null && option.type === 'integer') expect(help).toContain(`${option.env}, default ${option.default})`);
    }
    await expect(startRelay({ ...RELAY_DEFAULTS, storage: new MemoryStorage(), port: 0, dataDir: undefined }).then((relay) => relay.close())).resolves.toBeUndefined();
  });
});
