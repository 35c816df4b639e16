import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';

// Resolved from this file's path, not with `new URL(…, import.meta.url)`: under a jsdom test environment `URL` is
// jsdom's, which Node's fileURLToPath rejects.
export const RELAY_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/concord-relay.js');
const READY = /listening on (ws:\/\/[^\s]+)/;

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Shuts it down as an operator would (SIGTERM; SIGKILL if it has not exited 5 s later) and waits for the exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/**
 * Starts the built relay (`node bin/concord-relay.js --port 0 …`) and waits for its ready line, with a deadline. The one
 * launcher of relay processes for the relay's and the demo's tests.
 */
export async function startRelayProcess(
  args: readonly string[],
  options: { env?: Record<string, string>; defaultFlags?: boolean; timeoutMs?: number } = {},
): Promise<RelayProcess> {
  const { env = {}, defaultFlags = true, timeoutMs = 10_000 } = options;
  const flags = defaultFlags ? ['--port', '0', '--host', '127.0.0.1', '--log-level', 'warn'] : [];
  const child = spawn(process.execPath, [RELAY_BIN, ...flags, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => {
    running.delete(child);
    resolve(code ?? signal ?? -1);
  }));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay not ready after ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = READY.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited (${code}) before ready; stderr: ${stderr}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };
  return { child, url, port: Number(new URL(url).port), stderr: () => stderr, exited, stop };
}

/** Runs the relay CLI to completion (for exit-code tests). */
export function runRelayCli(args: readonly string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RELAY_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`relay CLI did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Kills every relay process still running (call from afterEach/afterAll). */
export async function killAllRelays(): Promise<void> {
  const exits = [...running].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  }));
  await Promise.all(exits);
  running.clear();
}

/** A temporary directory removed by the returned cleanup. */
export async function tempDir(prefix = 'concord-relay-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * For a test file that starts relay processes: a data directory made before its tests and removed after them, and
 * after each test every relay process killed (and `afterEachTest` run first: closing its clients).
 */
export function useRelayData(afterEachTest: () => void = () => undefined): { readonly path: string } {
  let dir: { path: string; remove: () => Promise<void> } | undefined;
  beforeAll(async () => (dir = await tempDir()));
  afterEach(async () => {
    afterEachTest();
    await killAllRelays();
  });
  afterAll(async () => dir?.remove());
  return {
    get path(): string {
      if (dir === undefined) throw new Error('the data directory is made in beforeAll');
      return dir.path;
    },
  };
}
