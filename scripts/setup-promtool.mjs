#!/usr/bin/env node
// Provisions Prometheus's own rule checker, project-local, for the alert-rule test
// (test/alert-rules.test.ts runs `promtool check rules` and `promtool test rules`):
//   .tools/promtool/bin/promtool   from Debian's `prometheus` package, else built from the
//                                  Prometheus Go module (cmd/promtool)
//
// Idempotent: a binary stamped with where it came from is reused. Debian's package first: `apt-get
// download` fetches the .deb without installing the Prometheus service, and `dpkg-deb -x` takes
// promtool alone out of it (seconds). Where apt cannot, it is built with `go install`
// (GOTOOLCHAIN=auto), as scripts/setup-temporal-cluster.mjs builds the Temporal server; that
// compiles every service-discovery SDK Prometheus links (tens of minutes on 2 cores). PROMTOOL_PATH
// points at an existing promtool instead.
// Plain Node, no dependencies. Flags: --quiet, --force (rebuild).
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
// Prometheus 3.x is tagged v0.3xx.y as a Go module (the v3 tags are not importable paths).
const PROMETHEUS_MODULE = 'github.com/prometheus/prometheus';
const PROMETHEUS_VERSION = 'v0.316.0';
const toolsDir = join(projectRoot, '.tools', 'promtool');
const binDir = join(toolsDir, 'bin');
const target = join(binDir, 'promtool');
const stamp = join(toolsDir, '.version');

const quiet = process.argv.includes('--quiet');
const force = process.argv.includes('--force');
const say = (line) => {
  if (!quiet) console.log(`[setup] ${line}`);
};
const fail = (lines) => {
  console.error(['[setup] ERROR:', ...[lines].flat()].join('\n'));
  process.exit(1);
};

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The binary runs and the stamp names the pinned version (a `go install` build has no version string). */
function pinnedBuildPresent() {
  const source = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
  if (!isExecutable(target) || (source !== PROMETHEUS_VERSION && !source.startsWith('debian:'))) return false;
  return spawnSync(target, ['--help'], { encoding: 'utf8', timeout: 30_000 }).status === 0;
}

function findGo() {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter),
    '/usr/local/go/bin',
    join(process.env.HOME ?? '/root', 'go', 'bin'),
    '/usr/lib/go/bin',
  ];
  const go = dirs.map((dir) => dir && join(dir, 'go')).find((path) => path && isExecutable(path));
  if (!go) return undefined;
  const m = /go(\d+)\.(\d+)/.exec(spawnSync(go, ['version'], { encoding: 'utf8' }).stdout ?? '');
  return m && (Number(m[1]) > 1 || Number(m[2]) >= 21) ? go : undefined;
}

const HOW_TO = [
  `Building promtool (${PROMETHEUS_MODULE}/cmd/promtool@${PROMETHEUS_VERSION}) needs Go >= 1.21 on PATH`,
  '(GOTOOLCHAIN=auto then fetches the toolchain the module requires). Or point PROMTOOL_PATH at an existing',
  'promtool (Debian/Ubuntu: `apt-get install prometheus` as root puts it at /usr/bin/promtool).',
];

if (process.env.PROMTOOL_PATH) {
  if (!isExecutable(process.env.PROMTOOL_PATH)) fail(`PROMTOOL_PATH=${process.env.PROMTOOL_PATH} is not an executable file`);
  say(`promtool: ${process.env.PROMTOOL_PATH} (PROMTOOL_PATH)`);
  process.exit(0);
}
if (!force && pinnedBuildPresent()) {
  say(`promtool: ${target} (${PROMETHEUS_VERSION}, reused)`);
  process.exit(0);
}
/** promtool out of Debian's package, without installing it; false when apt has no such package here. */
function fromDebian() {
  if (!existsSync('/usr/bin/apt-get') || !existsSync('/usr/bin/dpkg-deb')) return false;
  const scratch = join(toolsDir, 'deb');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const download = () => spawnSync('apt-get', ['download', '-q', 'prometheus'], { cwd: scratch, encoding: 'utf8' }).status === 0;
  // Empty package lists (a fresh image) need an update first, which only root may run.
  const fetched =
    download() || (process.getuid?.() === 0 && spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore' }).status === 0 && download());
  const deb = fetched ? readdirSync(scratch).find((name) => name.endsWith('.deb')) : undefined;
  if (
    !deb ||
    spawnSync('dpkg-deb', ['-x', deb, 'x'], { cwd: scratch }).status !== 0 ||
    !isExecutable(join(scratch, 'x/usr/bin/promtool'))
  ) {
    rmSync(scratch, { recursive: true, force: true });
    return false;
  }
  mkdirSync(binDir, { recursive: true });
  rmSync(target, { force: true });
  renameSync(join(scratch, 'x/usr/bin/promtool'), target);
  writeFileSync(stamp, `debian:${deb}\n`);
  rmSync(scratch, { recursive: true, force: true });
  return spawnSync(target, ['--version'], { encoding: 'utf8' }).status === 0;
}

if (fromDebian()) {
  say(`promtool: ${target} (${readFileSync(stamp, 'utf8').trim()})`);
  process.exit(0);
}
say("Debian's prometheus package is not at hand: building promtool from its Go module");
const go = findGo();
if (!go) fail(['Go >= 1.21 not found.', ...HOW_TO]);

// A scratch GOBIN, renamed into place, so a half-finished build never looks complete.
const gobin = join(toolsDir, 'gobin');
rmSync(gobin, { recursive: true, force: true });
mkdirSync(gobin, { recursive: true });
const pkg = `${PROMETHEUS_MODULE}/cmd/promtool@${PROMETHEUS_VERSION}`;
say(`building promtool with ${go} (GOTOOLCHAIN=auto; a few minutes on 2 cores)`);
say(`$ GOBIN=${gobin} GOTOOLCHAIN=auto go install ${pkg}`);
const started = Date.now();
const result = spawnSync(go, ['install', pkg], {
  cwd: tmpdir(),
  stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit',
  env: { ...process.env, GOTOOLCHAIN: 'auto', GOBIN: gobin },
});
if (result.status !== 0) fail([`go install failed (exit ${result.status ?? result.signal}); check GOPROXY and disk space.`, ...HOW_TO]);
const built = join(gobin, 'promtool');
if (!isExecutable(built)) fail(`go install finished but ${built} is missing`);
mkdirSync(binDir, { recursive: true });
rmSync(target, { force: true });
renameSync(built, target);
rmSync(gobin, { recursive: true, force: true });
writeFileSync(stamp, `${PROMETHEUS_VERSION}\n`);
say(`built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
