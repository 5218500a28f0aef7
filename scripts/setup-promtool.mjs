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
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fail, force, goInstall, isExecutable, projectRoot, readStamp, requireGo, say, writeStamp } from './tool-cache.mjs';

// Prometheus 3.x is tagged v0.3xx.y as a Go module (the v3 tags are not importable paths).
const PROMETHEUS_MODULE = 'github.com/prometheus/prometheus';
const PROMETHEUS_VERSION = 'v0.316.0';
const toolsDir = join(projectRoot, '.tools', 'promtool');
const binDir = join(toolsDir, 'bin');
const target = join(binDir, 'promtool');
const stamp = join(toolsDir, '.version');

/** The binary runs and the stamp names the pinned version (a `go install` build has no version string). */
function pinnedBuildPresent() {
  const source = readStamp(stamp);
  if (!isExecutable(target) || (source !== PROMETHEUS_VERSION && !source.startsWith('debian:'))) return false;
  return spawnSync(target, ['--help'], { encoding: 'utf8', timeout: 30_000 }).status === 0;
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
  writeStamp(stamp, `debian:${deb}`);
  rmSync(scratch, { recursive: true, force: true });
  return spawnSync(target, ['--version'], { encoding: 'utf8' }).status === 0;
}

if (fromDebian()) {
  say(`promtool: ${target} (${readStamp(stamp)})`);
  process.exit(0);
}
say("Debian's prometheus package is not at hand: building promtool from its Go module");
const go = requireGo('build promtool', HOW_TO);
const gobin = join(toolsDir, 'gobin');
const pkg = `${PROMETHEUS_MODULE}/cmd/promtool@${PROMETHEUS_VERSION}`;
say(`building promtool with ${go} (GOTOOLCHAIN=auto; a few minutes on 2 cores)`);
const started = Date.now();
goInstall(go, [pkg], gobin, ['Check GOPROXY and disk space.', ...HOW_TO]);
const built = join(gobin, 'promtool');
if (!isExecutable(built)) fail(`go install finished but ${built} is missing`);
mkdirSync(binDir, { recursive: true });
rmSync(target, { force: true });
renameSync(built, target);
rmSync(gobin, { recursive: true, force: true });
writeStamp(stamp, PROMETHEUS_VERSION);
say(`built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
