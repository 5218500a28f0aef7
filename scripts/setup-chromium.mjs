#!/usr/bin/env node
// Provisions the browser for the web console's end-to-end test: Debian's Chromium at
// /usr/bin/chromium (Playwright's own browser download cannot work on machines without the
// internet), and Debian's Noto CJK fonts, so the Panda deploy API's Korean stage messages render as text
// rather than boxes. Installs them with apt-get when missing and we are root; otherwise says what to do.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A file of Debian's fonts-noto-cjk: Korean glyphs for the console's screenshots. */
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

const say = (line) => console.log(`[setup] ${line}`);
const run = (command, args) =>
  spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;

if (existsSync(CHROMIUM)) {
  say(`Chromium: ${CHROMIUM}`);
} else if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  say("Chromium not found; installing Debian's chromium package");
  const installed =
    run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']) ||
    (run('apt-get', ['update']) && run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']));
  if (!installed || !existsSync(CHROMIUM)) {
    console.error('Installing chromium failed. Install it yourself (apt-get install chromium) or set SWITCHYARD_CHROMIUM_PATH.');
    process.exit(1);
  }
} else {
  console.error(
    `No Chromium at ${CHROMIUM}. Run \`sudo apt-get install chromium\` (or set SWITCHYARD_CHROMIUM_PATH) for the console test.`,
  );
  process.exit(1);
}

if (existsSync(CJK_FONT)) {
  say(`CJK font: ${CJK_FONT}`);
} else if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  say("No CJK font; installing Debian's fonts-noto-cjk (Korean text in the console test)");
  const installed =
    run('apt-get', ['install', '-y', '--no-install-recommends', 'fonts-noto-cjk']) ||
    (run('apt-get', ['update']) && run('apt-get', ['install', '-y', '--no-install-recommends', 'fonts-noto-cjk']));
  if (!installed) console.warn('[setup] fonts-noto-cjk could not be installed: Korean text will render as boxes in console screenshots');
} else {
  console.warn('[setup] No CJK font: `sudo apt-get install fonts-noto-cjk` to render Korean text in console screenshots');
}
