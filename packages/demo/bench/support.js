// Shared by the demo's benchmarks: the real relay serving the built demo, and Debian's Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const demoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Starts the relay on a free loopback port serving dist/, with a throwaway data directory. */
/** @returns {Promise<{ url: string, stop: () => Promise<void> }>} */
export async function startRelay() {
  const data = mkdtempSync(join(tmpdir(), 'concord-bench-relay-'));
  const bin = resolve(demoDir, '../relay/bin/concord-relay.js');
  const child = spawn(process.execPath, [bin, '--host', '127.0.0.1', '--port', '0', '--data', data, '--static', join(demoDir, 'dist'), '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((done) => child.once('exit', done));
  /** @type {string} */
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += String(chunk);
      const match = /listening on ws:\/\/(\S+)/.exec(out);
      if (match) resolveUrl(`http://${match[1]}`.replace(/\/$/, ''));
    });
    child.once('exit', (code) => reject(new Error(`relay exited (${code}) before it was ready`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** A Chromium whose profile lives in `profile` (it survives a restart). @param {string} profile */
export function launchProfile(profile) {
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1000, height: 800 } });
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
