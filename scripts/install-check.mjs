// @ts-check
// Packages that install anywhere, checked as a new user meets them: packs @concord/core and @concord/relay as they
// would be published, checks each tarball (no tests, every `exports` target present, dependencies = what its code
// imports), installs both into an empty project with npm, starts `npx concord-relay` on 127.0.0.1 (a free port), runs
// the core README's example against it as written (compiled from TypeScript), reads the result back from the relay,
// and type-checks a tiny consumer with moduleResolution `bundler` and `node16`. Needs `pnpm build` first.
// Run: npx -y pnpm@10.34.9 check:install   (part of `pnpm test`)
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkTarball } from './install-check/tarball.mjs';
import { CONSUMER_TS, tsconfig } from './install-check/consumer.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const execFileAsync = promisify(execFile);
const started = Date.now();
const step = (/** @type {string} */ what) => console.log(`install-check ${((Date.now() - started) / 1000).toFixed(1)}s: ${what}`);
const run = (/** @type {string} */ command, /** @type {string[]} */ args, /** @type {string} */ cwd) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

for (const built of ['packages/core/dist/index.js', 'packages/core/dist/node/index.js', 'packages/relay/dist/index.js']) {
  if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npx -y pnpm@10.34.9 build\` first`);
}

const work = mkdtempSync(join(tmpdir(), 'concord-install-check-'));
/** @type {import('node:child_process').ChildProcess | null} */
let relay = null;
try {
  // pnpm pack turns `workspace:*` into the version, as publishing does.
  const pnpm = process.env.npm_execpath?.includes('pnpm') ? [process.execPath, process.env.npm_execpath] : ['npx', '-y', 'pnpm@10.34.9'];
  const tarballs = [];
  for (const name of ['core', 'relay']) {
    const [command = 'npx', ...args] = pnpm;
    const out = run(command, [...args, 'pack', '--pack-destination', work], join(root, 'packages', name));
    const tarball = out.trim().split('\n').filter((line) => line.endsWith('.tgz')).pop();
    if (!tarball) throw new Error(`pnpm pack printed no tarball for packages/${name}:\n${out}`);
    checkTarball(tarball, work);
    tarballs.push(tarball);
  }
  step('packed both packages; no tests in them, every export present, dependencies match their imports');

  const project = join(work, 'app');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'concord-consumer', private: true, type: 'module' }, null, 2));
  // What the core README tells a Node user to install, plus types for the consumer's own TypeScript. --ignore-scripts:
  // nothing runs at install time (leveldown ships prebuilt binaries inside its package).
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', ...tarballs, 'ws@^8', 'leveldown@^6', '@types/node@^20', '@types/ws@^8'], project);
  step('installed the tarballs into an empty project with npm');

  relay = spawn('npx', ['concord-relay', '--host', '127.0.0.1', '--port', '0', '--data', join(work, 'relay-data'), '--log-level', 'warn'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: npx runs the relay as a child, and both must get the signal.
    detached: true,
  });
  const url = await listeningUrl(relay);
  step(`npx concord-relay listening on ${url}`);

  const readme = readFileSync(join(root, 'packages/core/README.md'), 'utf8');
  const example = /## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!example?.includes("'ws://127.0.0.1:1234'")) throw new Error("packages/core/README.md's Example has no ts block connecting to 'ws://127.0.0.1:1234'");
  writeFileSync(join(project, 'example.ts'), example.replace("'ws://127.0.0.1:1234'", JSON.stringify(url)));
  writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
  writeFileSync(join(project, 'tsconfig.node16.json'), JSON.stringify(tsconfig('node16'), null, 2));
  writeFileSync(join(project, 'tsconfig.bundler.json'), JSON.stringify(tsconfig('bundler'), null, 2));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  // Both at once: each is one single-threaded tsc.
  await Promise.all(
    ['tsconfig.bundler.json', 'tsconfig.node16.json'].map((config) =>
      execFileAsync(process.execPath, [tsc, '-p', config], { cwd: project, timeout: 120_000 }).catch((/** @type {Error & { stdout?: string }} */ error) => {
        throw new Error(`the consumer does not type-check with ${config}:\n${error.stdout ?? error.message}`);
      }),
    ),
  );
  step('the README example and a consumer of every entry point type-check with moduleResolution bundler and node16');

  const output = run(process.execPath, ['out/example.js'], project);
  if (!/synced, 0 waiting/.test(output) || !/\[ \] Bread/.test(output)) throw new Error(`the README example printed:\n${output}`);
  const stored = run(process.execPath, ['out/consumer.js', url], project);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- the consumer prints exactly this shape
  const { tasks, trash } = /** @type {{ tasks: string[], trash: string[] }} */ (JSON.parse(stored));
  if (tasks[0] !== 'Bread' || !trash.includes('Oat milk')) throw new Error(`the relay holds ${stored} after the README example`);
  step(`ran the README example against the relay; a fresh client read back ${stored}`);
} finally {
  if (relay?.pid !== undefined && relay.exitCode === null) {
    // Done once every process of the group has let go of its stdout (the relay has finished closing its storage).
    const closed = new Promise((resolve) => relay?.stdout?.once('close', resolve));
    process.kill(-relay.pid, 'SIGTERM');
    await closed;
  }
  rmSync(work, { recursive: true, force: true });
}
step('done');

/** @param {import('node:child_process').ChildProcess} child @returns {Promise<string>} */
function listeningUrl(child) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`npx concord-relay did not start within 20 s: ${out}`)), 20_000);
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      const match = /listening on (ws:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npx concord-relay exited with ${code}: ${out}`));
    });
  });
}
