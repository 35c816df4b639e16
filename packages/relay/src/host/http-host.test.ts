import { describe, expect, it } from 'vitest';
import { withDefaults } from '../defaults.js';
import { pickProtocol, stockDocumentName } from './upgrade.js';

describe('endpoint selection', () => {
  it('picks the newest concord protocol offered, otherwise the stock endpoint', () => {
    expect(pickProtocol(new Set(['concord.v2', 'concord.v1']))).toBe('concord.v2');
    expect(pickProtocol(new Set(['concord.v3', 'concord.v1']))).toBe('concord.v1');
    expect(pickProtocol(new Set())).toBe(false);
    expect(pickProtocol(new Set(['graphql-ws']))).toBe(false);
  });

  it('takes the whole URL-decoded path as the stock document name and ignores the query', () => {
    expect(stockDocumentName('/list-1')).toBe('list-1');
    expect(stockDocumentName('/list-1/task%201?token=abc')).toBe('list-1/task 1');
    expect(stockDocumentName('/caf%C3%A9')).toBe('café');
    expect(stockDocumentName('/')).toBeNull();
    expect(stockDocumentName('/%E0%A4%A')).toBeNull();
  });

  it('names a document as URL parsing does, whatever the path (plain paths skip the parse)', () => {
    const parsed = (url: string): string | null => {
      try {
        const name = decodeURIComponent(new URL(url, 'http://relay').pathname.slice(1));
        return name.length > 0 ? name : null;
      } catch {
        return null;
      }
    };
    const paths = ['/s7-12', '/a/b_c~d', '/a/../b', '/./a', '/a/.', '//host/doc', '/a//b', '/a/', '/a?x=1', '/a#b', '/A%2fB', '/a\\b', '/a b', '/ä', '/-', '/_/~'];
    for (const url of paths) expect(stockDocumentName(url), url).toBe(parsed(url));
  });
});

describe('withDefaults', () => {
  it('keeps a default when the option is undefined', () => {
    expect(withDefaults({ port: 1234, host: 'h' }, { port: undefined, host: 'x' })).toEqual({ port: 1234, host: 'x' });
  });
});
