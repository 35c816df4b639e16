import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

// The repository's own eslint.config.js, without type information (these checks need none) and without its ignores,
// so the deliberate violations below, written at the paths the rules guard, are linted like real sources.
const eslint = new ESLint({
  cwd: root,
  ignore: false,
  overrideConfig: { languageOptions: { parserOptions: { project: null, projectService: false } } },
  ruleFilter: ({ ruleId }) => ['no-restricted-imports', 'no-restricted-globals', 'concord/no-import-cycle'].includes(ruleId),
});

async function problems(filePath: string, code?: string): Promise<string[]> {
  const [result] = code === undefined ? await eslint.lintFiles([filePath]) : await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? 'parse'}: ${message.message}`);
}

describe('layering, as lint', () => {
  it.each([
    ['packages/relay/src/storage/x.ts', "import type { RelayEngine } from '../engine/relay-engine.js';"],
    ['packages/relay/src/engine/x.ts', "import { HttpHost } from '../host/http-host.js';"],
    ['packages/relay/src/engine/x.ts', "import type { RedisReplication } from '../cluster/redis-replication.js';"],
    ['packages/relay/src/engine/x.ts', "import type { Session } from '../sessions/wire-socket.js';"],
    ['packages/relay/src/sessions/x.ts', "import type { RelayEngine } from '../engine/relay-engine.js';"],
    ['packages/relay/src/sessions/x.ts', "import type { RelayMetrics } from '../metrics/relay-metrics.js';"],
    ['packages/core/src/model/x.ts', "import { TaskList } from '../store/task-list.js';"],
    ['packages/core/src/model/x.ts', "import type { PersistenceAdapter } from '../persistence/persistence.js';"],
    ['packages/core/src/protocol/x.ts', "import type { Transport } from '../transport/transport.js';"],
    ['packages/core/src/protocol/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['packages/core/src/protocol/x.ts', "import { WebSocket } from 'ws';"],
  ])('%s may not say: %s', async (file, code) => {
    expect(await problems(file, `${code}\n`)).toEqual([expect.stringMatching(/^no-restricted-imports: /)]);
  });

  it('the protocol subpath uses no browser-only or Node-only globals', async () => {
    const code = 'export const a = indexedDB;\nexport const b = Buffer.from([]);\nexport const c = new Uint8Array(1);\n';
    const found = await problems('packages/core/src/protocol/x.ts', code);
    expect(found).toEqual([expect.stringContaining("no-restricted-globals: Unexpected use of 'indexedDB'"), expect.stringContaining("no-restricted-globals: Unexpected use of 'Buffer'")]);
  });

  it.each([
    ['packages/relay/src/engine/x.ts', "import type { DocumentStorage } from '../storage/document-storage.js';"],
    ['packages/relay/src/sessions/x.ts', "import type { MemberEngine } from '../engine/member.js';"],
    ['packages/relay/src/cluster/x.ts', "import type { RelayEngine } from '../engine/relay-engine.js';"],
    ['packages/relay/src/host/x.ts', "import { ConcordSession } from '../sessions/concord-session.js';"],
    ['packages/core/src/store/x.ts', "import { createListDoc } from '../model/list-doc.js';"],
    ['packages/core/src/protocol/x.ts', "import * as Y from 'yjs';\nimport { codec } from './codec.js';"],
  ])('%s may say: %s', async (file, code) => {
    expect(await problems(file, `${code}\n`)).toEqual([]);
  });
});

describe('import cycles, as lint', () => {
  it('reports the import that closes a cycle, with its path (type-only imports count)', async () => {
    const cycle = 'scripts/lint-fixtures/cycle';
    expect(await problems(`${cycle}/a.ts`)).toEqual([`concord/no-import-cycle: Import cycle: ${cycle}/a.ts -> ${cycle}/b.ts -> ${cycle}/c.ts -> ${cycle}/a.ts`]);
    expect(await problems(`${cycle}/c.ts`)).toEqual([`concord/no-import-cycle: Import cycle: ${cycle}/c.ts -> ${cycle}/a.ts -> ${cycle}/b.ts -> ${cycle}/c.ts`]);
  });

  it('does not report a module that imports from a cycle without being part of it', async () => {
    expect(await problems('scripts/lint-fixtures/no-cycle.ts')).toEqual([]);
  });
});
