import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloseCode, ErrorCode } from '@concord/core/protocol';
import { describe, expect, it } from 'vitest';
import { runRelayCli } from './support/relay-process.js';

// The docs are part of the contract: these checks read them beside the code, so a flag, an error code or a close code
// added, renamed or removed on one side only fails here.

const packages = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string): string => readFileSync(join(packages, path), 'utf8');
const relayReadme = read('relay/README.md');
const protocol = read('relay/PROTOCOL.md');
const docs = [read('../README.md'), read('core/README.md'), read('demo/README.md'), relayReadme, protocol].join('\n');

function sources(dir: string): string[] {
  return readdirSync(join(packages, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts') && !file.includes('test-support'))
    .map((file) => read(join(dir, file)));
}
const code = ['core/src', 'relay/src', 'demo/src'].flatMap(sources).join('\n');

const all = (text: string, pattern: RegExp): Set<string> => new Set([...text.matchAll(pattern)].map((match) => match[1] ?? match[0]));
const sorted = (values: Iterable<string | number>): string[] => [...values].map(String).sort();

/** The rows of the first Markdown table after `heading`: their first cell, backticks removed. */
function firstColumn(text: string, heading: string): string[] {
  const start = text.indexOf(heading);
  expect(start, `the heading "${heading}"`).toBeGreaterThanOrEqual(0);
  const rows = text.slice(start).split('\n').slice(1);
  const table = rows.slice(rows.findIndex((row) => row.startsWith('|')));
  const end = table.findIndex((row) => !row.startsWith('|'));
  return table
    .slice(2, end === -1 ? undefined : end)
    .map((row) => row.split('|')[1]?.replaceAll('`', '').trim() ?? '');
}

describe('the docs match the code', () => {
  it('every flag of `concord-relay --help` is in the relay README, and every flag the README lists is in --help', async () => {
    const help = await runRelayCli(['--help']);
    expect(help.code).toBe(0);
    const helpFlags = all(help.stdout, /(?<![\w-])(--[a-z][a-z-]*)/g);
    expect(helpFlags.size).toBeGreaterThan(10);
    for (const flag of helpFlags) expect(relayReadme, `README mentions ${flag}`).toContain(`\`${flag}`);
    const readmeFlags = firstColumn(relayReadme, '## Flags and environment variables').flatMap((cell) => [...all(cell, /(--[a-z][a-z-]*)/g)]);
    expect(sorted(readmeFlags)).toEqual(sorted(helpFlags));
  });

  it('every error code (ERR_…) in the sources is in the docs, and every one the docs name is in the sources', () => {
    const inCode = all(code, /'(ERR_[A-Z_]+)'/g);
    const inDocs = all(docs, /\b(ERR_[A-Z_]+)\b/g);
    expect(inCode.size).toBeGreaterThan(20);
    expect(sorted(inDocs)).toEqual(sorted(inCode));
  });

  it('every close code is in PROTOCOL.md and the relay README, and their tables name no other', () => {
    // 1006 is documented but never sent: it is what a client sees when the relay terminates a silent socket.
    const codes = sorted([...Object.values(CloseCode), 1006]);
    expect(sorted(firstColumn(protocol, '### Close codes'))).toEqual(codes);
    expect(sorted(firstColumn(relayReadme, '## Close codes'))).toEqual(codes);
  });

  it('every concord.v1 Error code is in PROTOCOL.md with its name, and the table names no other', () => {
    const table = firstColumn(protocol, '### Error codes');
    expect(sorted(table)).toEqual(sorted(Object.values(ErrorCode)));
    for (const [name, value] of Object.entries(ErrorCode)) expect(protocol).toContain(`| ${value} | ${name} |`);
  });
});
