// The tests need two programs from Debian's packages: Chromium (the demo's browser tests drive it through
// playwright-core; nothing downloads a browser) and redis-server (the multi-relay tests). Installs what is missing
// with apt-get when running as root (as CI does); otherwise says what to install.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const needed = [
  { pkg: 'chromium', binary: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
  { pkg: 'redis-server', binary: '/usr/bin/redis-server' },
];
const missing = needed.filter(({ binary }) => !existsSync(binary));
if (missing.length === 0) process.exit(0);

const names = missing.map(({ pkg }) => pkg);
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  console.error(`Missing for the tests: ${names.join(', ')}. Install Debian's packages: sudo apt-get install -y ${names.join(' ')}`);
  process.exit(2);
}
console.log(`Installing Debian packages for the tests: ${names.join(', ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: 'inherit', env });
