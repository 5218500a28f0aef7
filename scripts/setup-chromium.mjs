#!/usr/bin/env node
// Provisions the browser for the web console's end-to-end test: Debian's Chromium at
// /usr/bin/chromium (Playwright's own browser download cannot work on machines without the
// internet). Installs it with apt-get when missing and we are root; otherwise says what to do.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM_PATH ?? '/usr/bin/chromium';

const say = (line) => console.log(`[setup] ${line}`);
const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;

if (existsSync(CHROMIUM)) {
  say(`Chromium: ${CHROMIUM}`);
} else if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  say('Chromium not found; installing Debian\'s chromium package');
  const installed = run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'])
    || (run('apt-get', ['update']) && run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']));
  if (!installed || !existsSync(CHROMIUM)) {
    console.error('Installing chromium failed. Install it yourself (apt-get install chromium) or set SWITCHYARD_CHROMIUM_PATH.');
    process.exit(1);
  }
} else {
  console.error(`No Chromium at ${CHROMIUM}. Run \`sudo apt-get install chromium\` (or set SWITCHYARD_CHROMIUM_PATH) for the console test.`);
  process.exit(1);
}
