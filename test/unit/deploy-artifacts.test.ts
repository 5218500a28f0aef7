// The deployment artifacts, checked statically (no Docker engine here): docker-compose.yml runs the
// Temporal version the suite tests and wires the stack the way production needs it; the
// Dockerfile builds a non-root multi-stage image of compiled entry points without emulator code; the
// IAM policy covers every AWS call the code makes and nothing it does not need; the Slack
// manifest and the CodeDeploy deployment group match what the API and the workflow expect.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser, JSONInstruction, ModifiableInstruction, type Instruction as DockerInstruction } from 'dockerfile-ast';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../common/config/config.js';
import { SEARCH_ATTRIBUTES } from '../../common/search-attributes.js';
import { SWITCHYARD_DYNAMIC_CONFIG } from '../../common/temporal/dynamic-config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
/** YAML with `<<` merge keys resolved, as Docker Compose reads them. */
const readYaml = (path: string): unknown => parse(read(path), { merge: true });

// ---------------------------------------------------------------------------------------------
// The Temporal version the suite runs: the go.temporal.io/server version the cluster setup script
// builds (`go.temporal.io/server/…@vX.Y.Z`, or the one vX.Y.Z the script names beside the module).

const CLUSTER_SCRIPT = 'scripts/setup-temporal-cluster.mjs';
const FALLBACK_TEMPORAL_VERSION = '1.32.2';

function testedTemporalVersion(): string {
  if (!existsSync(join(ROOT, CLUSTER_SCRIPT))) return FALLBACK_TEMPORAL_VERSION;
  const script = read(CLUSTER_SCRIPT);
  if (!script.includes('go.temporal.io/server')) throw new Error(`${CLUSTER_SCRIPT} no longer builds go.temporal.io/server`);
  const pinned = script.match(/go\.temporal\.io\/server[\w/.-]*@v(\d+\.\d+\.\d+)/)?.[1];
  if (pinned) return pinned;
  const versions = new Set([...script.matchAll(/['"`]v(\d+\.\d+\.\d+)['"`]/g)].map((m) => m[1]!));
  if (versions.size !== 1)
    throw new Error(`${CLUSTER_SCRIPT}: expected one go.temporal.io/server version, found ${[...versions].join(', ') || 'none'}`);
  return [...versions][0]!;
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  ports?: (string | { published?: string | number; target?: number })[];
  volumes?: (string | { source?: string; target?: string })[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  container_name?: string;
  networks?: { default?: { aliases?: string[] } };
  restart?: string;
  hostname?: string;
}

const compose = readYaml('docker-compose.yml') as { services: Record<string, Service> };
const services = compose.services;

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function envOf(svc: Service): Record<string, string> {
  const env = svc.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

function dependsOf(svc: Service): Record<string, string> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d.condition ?? 'service_started']));
}

function commandText(svc: Service): string {
  const parts = [svc.entrypoint, svc.command].flatMap((p) => (p === undefined ? [] : Array.isArray(p) ? p : [p]));
  return parts.join(' ');
}

/** `[host:]published:target` → published port (the host side). */
function hostPorts(svc: Service): string[] {
  return (svc.ports ?? []).map((p) => {
    if (typeof p !== 'string') return String(p.published);
    const parts = p.split(':');
    return parts[parts.length - 2]!;
  });
}

function containerPorts(svc: Service): string[] {
  return (svc.ports ?? []).map((p) => (typeof p === 'string' ? p.split(':').pop()!.split('/')[0]! : String(p.target)));
}

const temporalVersion = testedTemporalVersion();
const temporalNodes = Object.keys(services).filter((name) => services[name]!.image?.startsWith('temporalio/server:'));
const switchyardServices = Object.keys(services).filter((name) => services[name]!.build !== undefined);
const apiServices = switchyardServices.filter((name) => /^api(-\d+)?$/.test(name));
const postgresServices = Object.keys(services).filter((name) => services[name]!.image?.startsWith('postgres:'));
const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

describe('docker-compose.yml: the Temporal cluster', () => {
  it('runs the Temporal server and admin-tools of the version the test suite builds', () => {
    expect(temporalNodes.sort()).toEqual(['temporal-1', 'temporal-2']);
    for (const name of temporalNodes) expect(service(name).image).toBe(`temporalio/server:${temporalVersion}`);
    expect(service('temporal-schema').image).toBe(`temporalio/admin-tools:${temporalVersion}`);
    const temporalImages = Object.values(services)
      .map((s) => s.image ?? '')
      .filter((image) => /^temporalio\/(server|admin-tools|auto-setup):/.test(image));
    expect(temporalImages.every((image) => image.endsWith(`:${temporalVersion}`))).toBe(true);
    expect(temporalImages.some((image) => image.startsWith('temporalio/auto-setup'))).toBe(false);
  });

  it('sets up both databases with temporal-sql-tool, plugin postgres12 and the PostgreSQL 12+ schema', () => {
    const script = commandText(service('temporal-schema'));
    const runs = script
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('temporal-sql-tool'));
    const seeds = envOf(service(temporalNodes[0]!)).POSTGRES_SEEDS;
    for (const run of runs) {
      expect(run).toContain('--plugin postgres12');
      expect(run).toContain(`--ep ${seeds}`);
    }
    const steps = (db: string) => runs.filter((r) => r.includes(`--db ${db} `)).map((r) => r.split(`--db ${db} `)[1]);
    expect(steps('temporal')).toEqual([
      'create',
      'setup-schema -v 0.0',
      'update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned',
    ]);
    expect(steps('temporal_visibility')).toEqual([
      'create',
      'setup-schema -v 0.0',
      'update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned',
    ]);
    expect(script).toMatch(/set -e/);
  });

  it('points both nodes at the same PostgreSQL databases, shard count and dynamic config', () => {
    const envs = temporalNodes.map((name) => envOf(service(name)));
    const shared = [
      'DB',
      'DB_PORT',
      'POSTGRES_SEEDS',
      'POSTGRES_USER',
      'POSTGRES_PWD',
      'DBNAME',
      'VISIBILITY_DBNAME',
      'ENABLE_ES',
      'NUM_HISTORY_SHARDS',
      'DYNAMIC_CONFIG_FILE_PATH',
    ];
    for (const key of shared) expect(new Set(envs.map((env) => env[key])).size, key).toBe(1);
    expect(envs[0]!.DB).toBe('postgres12');
    expect(envs[0]!.ENABLE_ES ?? 'false').toBe('false'); // SQL visibility, as tested
    expect(postgresServices).toContain(envs[0]!.POSTGRES_SEEDS);
    expect(envs[0]!.NUM_HISTORY_SHARDS).toMatch(/^\d+$/);
    // Distinct host ports, so both frontends are reachable.
    const ports = temporalNodes.flatMap((name) => hostPorts(service(name)));
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('mounts deploy/temporal/dynamicconfig.yaml where DYNAMIC_CONFIG_FILE_PATH points', () => {
    for (const name of temporalNodes) {
      const path = envOf(service(name)).DYNAMIC_CONFIG_FILE_PATH!;
      const mounts = (service(name).volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:${v.target}`));
      const mount = mounts.find((m) => m.split(':')[1] === path);
      expect(mount, `${name} mounts ${path}`).toBeDefined();
      expect(mount!.split(':')[0]).toBe('./deploy/temporal/dynamicconfig.yaml');
    }
    const dynamic = readYaml('deploy/temporal/dynamicconfig.yaml') as Record<string, { value: unknown }[]>;
    expect(dynamic['frontend.enableUpdateWorkflowExecution']?.[0]?.value).toBe(true);
    // The settings every other Temporal that Switchyard runs on gets from common/temporal/dynamic-config.ts.
    for (const [key, value] of Object.entries(SWITCHYARD_DYNAMIC_CONFIG)) expect(dynamic[key]?.[0]?.value, key).toEqual(value);
    expect(dynamic).not.toHaveProperty('system.forceSearchAttributesCacheRefreshOnRead'); // dev only
  });

  it("has the Temporal UI, against the cluster's frontends", () => {
    const ui = Object.entries(services).find(([, s]) => s.image?.startsWith('temporalio/ui:'));
    expect(ui).toBeDefined();
    expect(ui![1].image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    const host = envOf(ui![1]).TEMPORAL_ADDRESS!.split(':')[0]!;
    for (const node of temporalNodes) expect(service(node).networks?.default?.aliases).toContain(host);
    expect(dependsOf(ui![1])['temporal-1']).toBe('service_healthy');
  });
});

describe('docker-compose.yml: Switchyard', () => {
  it('prepares the cluster once with npm run cluster:init before any API or worker starts', () => {
    const init = service('switchyard-init');
    expect(init.build).toBeDefined();
    expect(commandText(init)).toMatch(/npm run (--silent )?cluster:init/);
    expect(packageJson.scripts['cluster:init'], 'package.json defines cluster:init').toBeDefined();
    for (const node of temporalNodes) expect(dependsOf(init)[node]).toBe('service_healthy');
    for (const name of [...apiServices, 'worker'])
      expect(dependsOf(service(name))['switchyard-init']).toBe('service_completed_successfully');
  });

  it('gives the API and the worker the whole cluster, a shared DATABASE_URL and the required keys from .env', () => {
    for (const name of [...apiServices, 'worker', 'switchyard-init']) {
      const env = envOf(service(name));
      // One name that every Temporal node answers to (a network alias): the clients fail over between them.
      const host = env.TEMPORAL_ADDRESS!.split(':')[0]!;
      for (const node of temporalNodes) expect(service(node).networks?.default?.aliases, `${name} → ${node}`).toContain(host);
      expect(env.SWITCHYARD_ENCRYPTION_KEY, name).toMatch(/^\$\{SWITCHYARD_ENCRYPTION_KEY:\?.+\}$/);
      expect(env.SWITCHYARD_API_KEY, name).toMatch(/^\$\{SWITCHYARD_API_KEY:\?.+\}$/);
    }
    const urls = [...apiServices, 'worker'].map((name) => envOf(service(name)).DATABASE_URL);
    expect(new Set(urls).size).toBe(1);
    const url = new URL(urls[0]!.replace(/\$\{[^}]+\}/g, 'x'));
    expect(url.protocol).toBe('postgres:');
    const dbService = url.hostname;
    expect(postgresServices).toContain(dbService);
    expect(dbService).not.toBe(envOf(service(temporalNodes[0]!)).POSTGRES_SEEDS); // Switchyard's own database server
    for (const name of [...apiServices, 'worker']) expect(dependsOf(service(name))[dbService]).toBe('service_healthy');
  });

  it('runs two API replicas on distinct host ports, on the port the API listens on', () => {
    expect(apiServices.length).toBeGreaterThanOrEqual(2);
    const ports = apiServices.flatMap((name) => hostPorts(service(name)));
    expect(ports).toHaveLength(apiServices.length);
    expect(new Set(ports).size).toBe(ports.length);
    for (const name of apiServices) {
      expect(containerPorts(service(name))).toEqual([envOf(service(name)).PORT ?? '8080']);
      expect(service(name).command).toBeUndefined(); // the image's CMD: the API
    }
  });

  it('has a worker that scales: no container_name, no host port, the production worker entry', () => {
    const worker = service('worker');
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
    expect(worker.command).toEqual(packageJson.scripts['start:worker']!.split(' '));
  });

  it("checks the worker's readiness on its WORKER_HEALTH_PORT, with node, unpublished", () => {
    const worker = service('worker');
    const port = envOf(worker).WORKER_HEALTH_PORT;
    expect(port).toMatch(/^\d+$/);
    expect(worker.healthcheck?.disable).not.toBe(true);
    const test = [worker.healthcheck?.test ?? []].flat().join(' ');
    expect(test).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(test).toMatch(/\bnode\b/);
    expect(test).not.toMatch(/\b(curl|wget)\b/);
  });

  it("checks each API replica's readiness (/readyz on its PORT), not /healthz", () => {
    for (const name of apiServices) {
      const test = [service(name).healthcheck?.test ?? []].flat().join(' ');
      expect(test, name).toContain(`http://127.0.0.1:${envOf(service(name)).PORT ?? '8080'}/readyz`);
      expect(test).not.toMatch(/\b(curl|wget)\b/);
    }
  });

  it('orders start-up with conditions that can be met', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependsOf(svc))) {
        const target = service(dep);
        expect(['service_healthy', 'service_completed_successfully'], `${name} → ${dep}`).toContain(condition);
        if (condition === 'service_healthy') {
          const checked = target.healthcheck ? !target.healthcheck.disable : target.build !== undefined; // build: the Dockerfile's HEALTHCHECK
          expect(checked, `${dep} has a health check`).toBe(true);
        } else {
          expect([undefined, 'no', 'on-failure'], `${dep} is a one-shot`).toContain(target.restart?.split(':')[0]);
        }
      }
    }
    expect(dependsOf(service('temporal-schema')).postgresql).toBe('service_healthy');
    for (const node of temporalNodes) {
      expect(dependsOf(service(node))).toMatchObject({
        postgresql: 'service_healthy',
        'temporal-schema': 'service_completed_successfully',
      });
    }
  });

  it('uses only well-formed ${VAR}, ${VAR:-default} and ${VAR:?message} interpolations', () => {
    const text = read('docker-compose.yml');
    for (const match of text.matchAll(/(?<!\$)\$\{([^}]*)\}/g)) expect(match[1]).toMatch(/^[A-Z][A-Z0-9_]*(:?[-?].*)?$/);
  });
});

// ---------------------------------------------------------------------------------------------
// Dockerfile

interface Instruction {
  keyword: string;
  args: string;
  line: number;
  node: DockerInstruction;
}

/** The Dockerfile's instructions, parsed by dockerfile-ast: continuation lines joined, comments dropped. */
function parseDockerfile(text: string): Instruction[] {
  return DockerfileParser.parse(text)
    .getInstructions()
    .map((node) => ({
      keyword: node.getKeyword(),
      args: node.getArgumentsContent() ?? '',
      line: node.getRange().start.line + 1,
      node,
    }));
}

/** An instruction's --flags, and its values: the exec form's JSON strings, or the shell form's words. */
function words({ node }: Instruction): { flags: Record<string, string>; values: string[] } {
  const flags =
    node instanceof ModifiableInstruction ? Object.fromEntries(node.getFlags().map((f) => [f.getName(), f.getValue() ?? 'true'])) : {};
  const json = node instanceof JSONInstruction ? node.getJSONStrings().map((s) => s.getJSONValue()) : [];
  return { flags, values: json.length > 0 ? json : node.getArguments().map((a) => a.getValue()) };
}

const dockerfile = parseDockerfile(read('Dockerfile'));
const stages: Instruction[][] = [];
for (const instruction of dockerfile) {
  if (instruction.keyword === 'FROM') stages.push([]);
  stages[stages.length - 1]?.push(instruction);
}
const finalStage = stages[stages.length - 1] ?? [];

/** .dockerignore rules in order, each a picomatch matcher (Docker's patterns: `*`, `?`, `**`, `!`). */
const ignoreRules = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((rule) => ({
    negate: rule.startsWith('!'),
    matches: picomatch(rule.replace(/^!/, '').replace(/^\/+/, '').replace(/\/+$/, ''), { dot: true }),
  }));

/** Whether .dockerignore keeps `path` out of the build context: a rule matches it or a parent folder; the last match wins. */
function dockerIgnored(path: string): boolean {
  const ancestors = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const { negate, matches } of ignoreRules) if (ancestors.some((a) => matches(a))) ignored = !negate;
  return ignored;
}

/** Repository paths a stage copies from the build context, with where they land under WORKDIR. */
function copiedIn(stage: Instruction[]) {
  return stage
    .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
    .flatMap((i) => {
      const { flags, values } = words(i);
      if (flags.from) return [];
      const destination = values[values.length - 1]!.replace(/^\.\//, '').replace(/\/$/, '');
      return values
        .slice(0, -1)
        .map((source) => ({ source: source.replace(/^\.\//, '').replace(/\/$/, ''), destination, multiple: values.length > 2 }));
    });
}
/** The stage that compiles (npm run build), and the name the final stage copies its dist/ by. */
const buildStage = stages.find((stage) => stage.some((i) => i.keyword === 'RUN' && /\bnpm run build\b/.test(i.args))) ?? [];
const buildStageName = buildStage[0] ? words(buildStage[0]).values[2] : undefined;

/** Every file in the repository under `dir` (relative paths). */
function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** True when `path` reaches the stage through one of its COPY instructions from the build context. */
function copiedBy(stage: Instruction[], path: string): boolean {
  return !dockerIgnored(path) && copiedIn(stage).some(({ source }) => source === '.' || path === source || path.startsWith(`${source}/`));
}

/** Files an entry point loads: relative imports, followed, and `new URL('…', import.meta.url)` reads. */
function loadedBy(entry: string): string[] {
  const seen = new Set<string>();
  const stack = [join(ROOT, entry)];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), match[1]!);
      const candidate = [target, target.replace(/\.js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')].find(
        (c) => existsSync(c) && statSync(c).isFile(),
      );
      if (!candidate) throw new Error(`${relative(ROOT, file)} imports ${match[1]}, which does not exist`);
      if (/\.(ts|js|mjs)$/.test(candidate)) stack.push(candidate);
      else seen.add(candidate);
    }
    for (const match of source.matchAll(/new URL\(\s*[`'"](\.{1,2}\/[^`'"$]*)/g)) {
      const target = resolve(dirname(file), match[1]!);
      // A module loaded by path (the worker bundles workflows/index.ts) brings its imports too.
      if (target.endsWith('.ts') && existsSync(target)) stack.push(target);
      else seen.add(target);
    }
  }
  return [...seen].map((file) => relative(ROOT, file));
}

describe('Dockerfile', () => {
  it('is multi-stage on Node 22 or 24 LTS (bookworm-slim), with production dependencies from npm ci', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const stageNames = stages.map((stage) => words(stage[0]!).values[2]).filter(Boolean);
    for (const stage of stages) {
      const image = words(stage[0]!).values[0]!;
      expect(/^node:(22|24)-bookworm-slim$/.test(image) || stageNames.includes(image), image).toBe(true);
    }
    const depsStage = stages.findIndex((stage) => stage.some((i) => i.keyword === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args)));
    expect(depsStage).toBeGreaterThanOrEqual(0);
    expect(depsStage).toBeLessThan(stages.length - 1);
    const depsName = words(stages[depsStage]![0]!).values[2];
    expect(finalStage.some((i) => i.keyword === 'COPY' && words(i).flags.from === depsName && i.args.includes('node_modules'))).toBe(true);
    expect(finalStage.some((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args))).toBe(false);
  });

  it('runs as a user that is not root', () => {
    const users = finalStage.filter((i) => i.keyword === 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]!.args.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('checks /healthz with node, and starts the API by default as npm run start:api does', () => {
    const healthchecks = finalStage.filter((i) => i.keyword === 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    const check = healthchecks[0]!.args;
    expect(check).toMatch(/CMD \[?"?node"?/);
    expect(check).toContain('/healthz');
    expect(check).not.toMatch(/\b(curl|wget)\b/);
    const cmd = finalStage.filter((i) => i.keyword === 'CMD').pop();
    expect(words(cmd!).values).toEqual(packageJson.scripts['start:api']!.split(' '));
  });

  it('copies only what exists and is not excluded by .dockerignore, each to the same place', () => {
    for (const instruction of dockerfile.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
      const { flags, values } = words(instruction);
      if (flags.from) continue;
      for (const source of values.slice(0, -1)) {
        expect(existsSync(join(ROOT, source)), `Dockerfile line ${instruction.line}: ${source} exists`).toBe(true);
        expect(dockerIgnored(source.replace(/^\.\//, '')), `Dockerfile line ${instruction.line}: ${source} is not in .dockerignore`).toBe(
          false,
        );
      }
    }
    for (const stage of stages) {
      for (const { source, destination, multiple } of copiedIn(stage))
        expect(multiple ? ['', '.'] : [source], source).toContain(destination);
    }
  });

  it('runs compiled JavaScript: the final stage takes dist/ from the build stage, tsx is a dev dependency only', () => {
    expect(buildStageName, 'a named stage runs npm run build').toBeDefined();
    expect(
      finalStage.some((i) => i.keyword === 'COPY' && words(i).flags.from === buildStageName && /\/app\/dist\s+\.\/dist$/.test(i.args)),
    ).toBe(true);
    expect(packageJson.scripts.build).toMatch(/\btsc -p tsconfig\.build\.json\b/);
    const pkg = packageJson as unknown as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(pkg.devDependencies.tsx).toBeDefined();
    for (const instruction of finalStage.filter((i) => ['CMD', 'ENTRYPOINT', 'RUN', 'HEALTHCHECK'].includes(i.keyword))) {
      expect(instruction.args, `Dockerfile line ${instruction.line}`).not.toMatch(/\btsx\b|\.ts\b/);
    }
    // The workflow bundle is built in the image and named by WORKFLOW_BUNDLE_PATH.
    const bundle = finalStage.find((i) => i.keyword === 'ENV' && i.args.startsWith('WORKFLOW_BUNDLE_PATH='))?.args.split('=')[1];
    expect(bundle).toMatch(/^\/app\/dist\//);
    expect(buildStage.some((i) => i.keyword === 'RUN' && i.args.includes('bundle-workflows') && i.args.includes(bundle!))).toBe(true);
  });

  it.each(['start:api', 'start:worker', 'cluster:init'])(
    'compiles every file that npm run %s loads, none of them emulator code',
    (script) => {
      const command = packageJson.scripts[script];
      expect(command, `package.json defines ${script}`).toBeDefined();
      const compiled = command!.match(/^node dist\/(\S+)\.js$/)?.[1];
      expect(compiled, `${script} runs node dist/<file>.js`).toBeDefined();
      const entry = `${compiled}.ts`;
      const buildConfig = JSON.parse(read('tsconfig.build.json').replace(/^\s*\/\/.*$/gm, '')) as {
        files: string[];
        compilerOptions: { outDir: string };
      };
      expect(buildConfig.compilerOptions.outDir).toBe('dist');
      expect(buildConfig.files).toContain(entry);
      const loaded = loadedBy(entry);
      expect(loaded.filter((path) => path.startsWith('emulators/'))).toEqual([]);
      // The build stage has every source the compiler follows and every file read at run time.
      expect([...loaded, 'package.json'].filter((path) => !copiedBy(buildStage, path))).toEqual([]);
    },
  );

  it('copies no emulator code into any stage of the image', () => {
    const emulatorFiles = filesUnder('emulators');
    expect(emulatorFiles.length).toBeGreaterThan(10);
    for (const stage of stages) {
      const name = words(stage[0]!).values[2] ?? 'final';
      expect(
        emulatorFiles.filter((path) => copiedBy(stage, path)),
        `stage ${name}`,
      ).toEqual([]);
    }
    // launcher/ is `npm start` (it starts the sandbox): only its operator commands go in.
    expect(
      filesUnder('launcher')
        .filter((path) => stages.some((stage) => copiedBy(stage, path)))
        .sort(),
    ).toEqual(['launcher/cluster-init.ts', 'launcher/keys-rotate.ts']);
  });

  it('keeps secrets, dependencies and local state out of the build context', () => {
    for (const path of ['node_modules', '.data', '.tools', 'test-results', '.git', '.env', 'dist'])
      expect(dockerIgnored(path), path).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// deploy/iam/switchyard-deploy-policy.json

const AWS_PREFIXES: Record<string, string> = { ecr: 'ecr', ecs: 'ecs', codedeploy: 'codedeploy', sts: 'sts' };

/** Actions the code does not call by name but needs: docker push, passing task roles, CreateDeployment's dependencies. */
const IMPLIED_ACTIONS = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:InitiateLayerUpload',
  'ecr:UploadLayerPart',
  'ecr:CompleteLayerUpload',
  'ecr:PutImage',
  'iam:PassRole',
  'codedeploy:GetDeploymentConfig',
  'codedeploy:GetApplicationRevision',
  'codedeploy:RegisterApplicationRevision',
];

function typeScriptFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? typeScriptFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `prefix:Operation` for every `…Command` class imported from an AWS SDK client. */
function awsActionsCalled(): Map<string, string[]> {
  const actions = new Map<string, string[]>();
  for (const file of ['activities', 'api', 'common', 'worker'].flatMap(typeScriptFiles)) {
    for (const match of read(file).matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*['"]@aws-sdk\/client-([a-z0-9-]+)['"]/g)) {
      if (/^import\s+type/.test(match[0])) continue;
      const prefix = AWS_PREFIXES[match[2]!];
      if (!prefix)
        throw new Error(`${file} imports @aws-sdk/client-${match[2]}: add its IAM prefix to this test and its actions to the policy`);
      const names = match[1]!
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n && !n.startsWith('type '));
      for (const name of names.filter((n) => /^[A-Z]\w*Command$/.test(n))) {
        const action = `${prefix}:${name.replace(/Command$/, '')}`;
        actions.set(action, [...(actions.get(action) ?? []), file]);
      }
    }
  }
  return actions;
}

interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}
const policy = JSON.parse(read('deploy/iam/switchyard-deploy-policy.json')) as { Version: string; Statement: PolicyStatement[] };
const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe('deploy/iam/switchyard-deploy-policy.json', () => {
  it('allows every AWS operation the activities and the API call', () => {
    const called = awsActionsCalled();
    expect(called.size).toBeGreaterThan(10);
    const missing = [...called.keys()].filter((action) => !allowed.includes(action));
    expect(missing, `missing from the policy (called in ${missing.map((a) => called.get(a)?.join(', ')).join('; ')})`).toEqual([]);
  });

  it('allows nothing else but the implied actions, and no wildcards', () => {
    const called = awsActionsCalled();
    expect(policy.Version).toBe('2012-10-17');
    expect(allowed.filter((action) => !called.has(action) && !IMPLIED_ACTIONS.includes(action))).toEqual([]);
    expect(allowed.some((action) => action.includes('*'))).toBe(false);
    const passRole = policy.Statement.find(
      (s) => s.Action === 'iam:PassRole' || (Array.isArray(s.Action) && s.Action.includes('iam:PassRole')),
    );
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
  });

  it('is the policy the run book prints', () => {
    const runbook = read('docs/runbook/aws.md');
    const blocks = [...runbook.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const printed = blocks.map((b) => {
      try {
        return JSON.parse(b) as unknown;
      } catch {
        return undefined;
      }
    });
    expect(printed).toContainEqual(policy);
  });
});

describe('deploy/iam/switchyard-deploy-trust-policy.json', () => {
  const trust = JSON.parse(read('deploy/iam/switchyard-deploy-trust-policy.json')) as {
    Version: string;
    Statement: (PolicyStatement & { Principal?: { AWS?: string } })[];
  };

  it("lets only the worker's principal assume the role, with the sts:ExternalId condition, and is printed in the run book", () => {
    expect(trust.Version).toBe('2012-10-17');
    expect(trust.Statement).toHaveLength(1);
    const [statement] = trust.Statement;
    expect(statement).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole' });
    expect(statement!.Principal?.AWS).toMatch(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@-]+$/);
    expect(statement!.Condition).toEqual({ StringEquals: { 'sts:ExternalId': expect.any(String) } });
    const blocks = [...read('docs/runbook/aws.md').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => {
      try {
        return JSON.parse(m[1]!) as unknown;
      } catch {
        return undefined;
      }
    });
    expect(blocks).toContainEqual(trust);
  });
});

// ---------------------------------------------------------------------------------------------
// deploy/slack-app-manifest.yaml and deploy/codedeploy/deployment-group.json

describe('deploy/slack-app-manifest.yaml', () => {
  const manifest = readYaml('deploy/slack-app-manifest.yaml') as {
    features: { slash_commands: { command: string; url: string }[]; bot_user?: unknown };
    oauth_config: { scopes: { bot: string[] } };
    settings: { interactivity: { is_enabled: boolean; request_url: string } };
  };
  const slackPaths = read('api/slack/routes.ts');

  it('declares the three slash commands the API handles, on /slack/events', () => {
    const commands = manifest.features.slash_commands.map((c) => c.command);
    expect(commands.sort()).toEqual(['/platform-deploy', '/platform-rollback', '/platform-status']);
    const handler = read('api/slack/commands.ts');
    for (const command of commands) expect(handler).toContain(`case '${command.replace('/platform-', '')}'`);
    for (const { url } of manifest.features.slash_commands) expect(new URL(url).pathname).toBe('/slack/events');
    expect(slackPaths).toContain("'/slack/events'");
    expect(manifest.features.bot_user).toBeDefined();
  });

  it('sends interactivity to /slack/events and asks only for chat:write and commands', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe('/slack/events');
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual(['chat:write', 'commands']);
  });
});

describe('deploy/codedeploy/deployment-group.json', () => {
  const group = JSON.parse(read('deploy/codedeploy/deployment-group.json')) as {
    deploymentStyle: { deploymentType: string; deploymentOption: string };
    blueGreenDeploymentConfiguration: { deploymentReadyOption: { actionOnTimeout: string; waitTimeInMinutes: number } };
    loadBalancerInfo: { targetGroupPairInfoList: { testTrafficRoute?: { listenerArns: string[] } }[] };
  };

  it('holds production traffic until Switchyard decides: STOP_DEPLOYMENT after longer than DEPLOY_SWITCH_TIMEOUT_SECONDS', () => {
    const ready = group.blueGreenDeploymentConfiguration.deploymentReadyOption;
    expect(ready.actionOnTimeout).toBe('STOP_DEPLOYMENT');
    const switchTimeoutSeconds = configSchema.shape.DEPLOY_SWITCH_TIMEOUT_SECONDS.parse(undefined);
    expect(ready.waitTimeInMinutes * 60).toBeGreaterThan(switchTimeoutSeconds);
    expect(group.deploymentStyle).toEqual({ deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' });
    // AfterAllowTestTraffic runs only with a test listener.
    expect(group.loadBalancerInfo.targetGroupPairInfoList[0]?.testTrafficRoute?.listenerArns.length).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// The run book (docs/runbook/temporal.md)

describe('docs/runbook/temporal.md', () => {
  const page = read('docs/runbook/temporal.md');

  it('names the tested Temporal version and the manual command for every search attribute', () => {
    expect(page).toContain(`temporalio/server:${temporalVersion}`);
    expect(page).toContain(`temporalio/admin-tools:${temporalVersion}`);
    const typeNames: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int' };
    for (const key of SEARCH_ATTRIBUTES) {
      expect(page).toMatch(new RegExp(`temporal operator search-attribute create .*--name ${key.name} --type ${typeNames[key.type]}\\b`));
    }
  });
});
