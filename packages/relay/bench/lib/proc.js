// @ts-check
// Server processes under test: started with --expose-gc and the heap probe preloaded, measured from outside
// through /proc (CPU) and IPC (heap), and always killed, also when the harness itself fails.
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sleep } from './stats.js';

const PROBE = pathToFileURL(fileURLToPath(new URL('./gc-probe.js', import.meta.url))).href;
const READY = /listening on (ws:\/\/[^\s/]+)/;
const START_TIMEOUT_MS = 15_000;
const HEAP_TIMEOUT_MS = 15_000;

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set();

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Kill every server still running; safe to call more than once and from an 'exit' handler (synchronous). */
export function killAll() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

process.on('exit', killAll);

export class ServerProcess {
  /**
   * @param {string} script path of the server's entry module
   * @param {string[]} args
   * @param {string} label for error messages
   * @param {string[]} [nodeFlags] Node flags this server starts with (Concord's executable names its own)
   */
  constructor(script, args, label, nodeFlags = []) {
    this.label = label;
    /** @type {string[]} */
    this.output = [];
    // BENCH_CPU_PROF_DIR=<dir> writes a V8 CPU profile of every server process there (to see where a figure comes from).
    const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
    // BENCH_SERVER_NODE_FLAGS='--min-semi-space-size=16' starts every server, Concord and the peers alike, with these
    // Node flags (V8's heap flags take effect only on the command line, not from inside a running process).
    const extra = process.env.BENCH_SERVER_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [];
    const flags = [...nodeFlags, ...extra.filter((flag) => !nodeFlags.includes(flag))];
    this.child = spawn(process.execPath, [...profile, ...flags, '--expose-gc', `--import=${PROBE}`, script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    live.add(this.child);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => live.delete(this.child));
    /** @type {Map<number, (heap: number) => void>} */
    this.heapWaiters = new Map();
    this.nextId = 1;
    this.child.on('message', (/** @type {{ type?: string, id?: number, heapUsed?: number } | null} */ msg) => {
      if (msg?.type === 'heap' && msg.id !== undefined && msg.heapUsed !== undefined) this.heapWaiters.get(msg.id)?.(msg.heapUsed);
    });
  }

  /** @returns {Promise<string>} the ws:// base URL once the server printed its readiness line */
  ready() {
    return new Promise((resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => fail(new Error(`${this.label}: not ready after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const onData = (/** @type {Buffer} */ chunk) => {
        buffered += chunk.toString();
        const match = READY.exec(buffered);
        if (match?.[1] !== undefined) {
          cleanup();
          resolve(match[1]);
        }
      };
      const onExit = () => fail(new Error(`${this.label}: exited before it was ready\n${this.tail()}`));
      const fail = (/** @type {Error} */ err) => {
        cleanup();
        reject(err);
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        this.child.off('exit', onExit);
      };
      this.child.stdout?.on('data', onData);
      this.child.once('exit', onExit);
      // Keep the last lines of both streams for error messages; unread pipes could also block the child.
      for (const stream of [this.child.stdout, this.child.stderr]) {
        stream?.on('data', (/** @type {Buffer} */ chunk) => {
          this.output.push(chunk.toString());
          if (this.output.length > 50) this.output.shift();
        });
      }
    });
  }

  tail() {
    return this.output.join('').split('\n').slice(-20).join('\n');
  }

  /** @returns {number} user + system CPU time of the server process (all its threads) in microseconds */
  cpuMicros() {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    // The command name in field 2 may contain spaces; fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clockTicks;
  }

  /** @returns {number} the server process's resident set size in bytes (VmRSS) */
  rssBytes() {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
  }

  /**
   * Wait until the server has used no CPU for a while (backlogs drained, debounced work done), at most maxMs, so the
   * next measurement starts from quiet. Resolves either way; the caller measures what it measures.
   * @param {number} maxMs
   */
  async quiet(maxMs = 5_000) {
    const deadline = performance.now() + maxMs;
    let last = this.cpuMicros();
    let calm = 0;
    while (calm < 2 && performance.now() < deadline) {
      await sleep(100);
      const now = this.cpuMicros();
      // One clock tick of CPU in 100 ms is timers and GC, not work.
      calm = now - last <= 1e6 / clockTicks ? calm + 1 : 0;
      last = now;
    }
  }

  /** @returns {Promise<number>} heapUsed in bytes after forced full GC inside the server */
  heapUsed() {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.heapWaiters.delete(id);
        reject(new Error(`${this.label}: no heap report within ${HEAP_TIMEOUT_MS} ms`));
      }, HEAP_TIMEOUT_MS);
      this.heapWaiters.set(id, (heap) => {
        clearTimeout(timer);
        this.heapWaiters.delete(id);
        resolve(heap);
      });
      this.child.send({ type: 'heap', id });
    });
  }

  /** kill -9, as a crash would; resolves once the process is gone */
  async crash() {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async stop() {
    // A profiled server must exit on its own to write its profile.
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(process.env.BENCH_CPU_PROF_DIR ? 'SIGTERM' : 'SIGKILL');
    await this.exited;
  }
}
