// A real two-node Temporal server cluster for tests: the official server binary (built from the Go
// module by scripts/setup-temporal-cluster.mjs), on a throwaway PostgreSQL (test/support/postgres.ts)
// holding the persistence and the SQL visibility store. Each node runs all four services
// (frontend, history, matching, worker) on ports of its own on 127.0.0.1; both use the same
// databases, so they find each other through the cluster_membership table and form one ringpop
// cluster: history shards, task queue partitions and frontends are shared between them.
//
// Also a TCP failover proxy (`failoverAddress`), standing for the load balancer that fronts a real
// cluster's frontends: each new connection goes to the first node that accepts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { SWITCHYARD_DYNAMIC_CONFIG } from '../../common/temporal/dynamic-config.js';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { startPostgres, type Postgres } from '../support/postgres.js';
import { forgetOnExit, reapOnExit } from '../support/exit-reaper.js';
import { waitForExit } from '../support/processes.js';
import { describeRings } from './admin-rpc.js';
import { startFailoverProxy, type FailoverProxy } from './failover-proxy.js';

export { describeRings, type RingView } from './admin-rpc.js';
export { startFailoverProxy, type FailoverProxy } from './failover-proxy.js';

import {
  HOW_TO_SETUP,
  TEMPORAL_DB,
  TEMPORAL_PG_SCHEMA_DIR,
  TEMPORAL_SERVER_BIN,
  TEMPORAL_SQL_TOOL_BIN,
  TEMPORAL_VISIBILITY_DB,
} from './cluster-paths.js';
import { distinctFreePorts, serverConfig, type NodePorts } from './node-config.js';
import type { ClusterMember, TemporalCluster, TemporalClusterOptions } from './cluster-types.js';
import { retryUntil, waitForFrontend, waitForRings } from './node-readiness.js';

export {
  TEMPORAL_DB,
  TEMPORAL_PG_SCHEMA_DIR,
  TEMPORAL_SERVER_BIN,
  TEMPORAL_SQL_TOOL_BIN,
  TEMPORAL_VISIBILITY_DB,
} from './cluster-paths.js';
export type { NodePorts } from './node-config.js';

/**
 * Dynamic config for tests (server v1.32.2). Update-with-start (ExecuteMultiOperation) has no
 * switch in v1.32: it is always on; UpdateWorkflowExecution is on by default (set anyway).
 * On SQL visibility a custom search attribute is an alias stored in the namespace record;
 * `system.forceSearchAttributesCacheRefreshOnRead` makes every node read it from the database,
 * so one registered through node A is usable through node B at once.
 * One partition per task queue: with the default 4, a task left in a partition whose root moved
 * with a crashed node can wait a whole long poll (1 min) for a poller; one partition makes
 * failover timings in tests steady (~5 s ringpop failure detection + shard/partition take-over).
 */
export const CLUSTER_DYNAMIC_CONFIG: Record<string, unknown> = {
  ...SWITCHYARD_DYNAMIC_CONFIG,
  'system.forceSearchAttributesCacheRefreshOnRead': true,
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  'system.namespaceCacheRefreshInterval': '1s',
  'limit.maxIDLength': 255,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

export type { ClusterMember, TemporalCluster, TemporalClusterOptions } from './cluster-types.js';

const NODE_NAMES = ['a', 'b'] as const;
const ROLE_NAMES: Record<number, string> = { 1: 'frontend', 2: 'history', 3: 'matching', 4: 'worker' };

function requireFile(path: string, what: string) {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}. ${HOW_TO_SETUP}`);
}

function tail(file: string, lines = 60): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function run(file: string, args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    writeSync(fd, `\n$ ${file} ${args.join(' ')}\n`);
    const child = spawn(file, args, { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${file} ${args.join(' ')} failed (${code ?? signal}). Log tail (${logFile}):\n${tail(logFile, 30)}`));
    });
  });
}

/** The Temporal persistence and visibility schemas, fresh, in their two databases on `postgres`. */
export async function setUpTemporalSchemas(postgres: Postgres, setupLog: string): Promise<void> {
  requireFile(TEMPORAL_SQL_TOOL_BIN, 'temporal-sql-tool');
  requireFile(join(TEMPORAL_PG_SCHEMA_DIR, 'temporal', 'versioned'), 'The Temporal PostgreSQL schema');
  await postgres.createDatabase(TEMPORAL_DB);
  await postgres.createDatabase(TEMPORAL_VISIBILITY_DB);
  const sqlArgs = (db: string) => [
    '--plugin',
    'postgres12',
    '--ep',
    postgres.host,
    '-p',
    String(postgres.port),
    '-u',
    postgres.user,
    '--pw',
    postgres.password,
    '--db',
    db,
  ];
  await Promise.all(
    [
      [TEMPORAL_DB, 'temporal'],
      [TEMPORAL_VISIBILITY_DB, 'visibility'],
    ].map(async ([db, schema]) => {
      await run(TEMPORAL_SQL_TOOL_BIN, [...sqlArgs(db!), 'setup-schema', '-v', '0.0'], setupLog);
      await run(
        TEMPORAL_SQL_TOOL_BIN,
        [...sqlArgs(db!), 'update-schema', '-d', join(TEMPORAL_PG_SCHEMA_DIR, schema!, 'versioned')],
        setupLog,
      );
    }),
  );
}

/** Starts PostgreSQL, the Temporal schemas and two server nodes; registers the namespace. */
export async function startTemporalCluster(options: TemporalClusterOptions = {}): Promise<TemporalCluster> {
  requireFile(TEMPORAL_SERVER_BIN, 'temporal-server');
  requireFile(TEMPORAL_SQL_TOOL_BIN, 'temporal-sql-tool');
  requireFile(join(TEMPORAL_PG_SCHEMA_DIR, 'temporal', 'versioned'), 'The Temporal PostgreSQL schema');
  requireFile(join(TEMPORAL_PG_SCHEMA_DIR, 'visibility', 'versioned'), 'The Temporal PostgreSQL visibility schema');

  const namespace = options.namespace ?? 'default';
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const keep = options.keep ?? process.env.TEMPORAL_CLUSTER_KEEP === '1';
  const dir = mkdtempSync(join(tmpdir(), 'sy-temporal-cluster-'));
  const logsDir = join(dir, 'logs');
  mkdirSync(logsDir);
  const setupLog = join(logsDir, 'setup.log');

  let pg: Postgres | undefined;
  const processes: (ChildProcess | undefined)[] = [undefined, undefined];
  let proxy: FailoverProxy | undefined;

  const stopNode = async (i: number, stopOptions: { force?: boolean } = {}) => {
    const child = processes[i];
    if (!child) return;
    processes[i] = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(stopOptions.force ? 'SIGKILL' : 'SIGTERM');
      if (!(await waitForExit(child, 30_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    if (child.pid !== undefined) forgetOnExit(child.pid);
  };

  const cleanup = async (keepLogs = false) => {
    await Promise.all([0, 1].map((i) => stopNode(i)));
    await proxy?.close();
    await pg?.stop();
    if (!keep && !keepLogs) rmSync(dir, { recursive: true, force: true });
  };

  try {
    pg = await startPostgres(options.postgres);
    const postgres = pg;
    await setUpTemporalSchemas(postgres, setupLog);

    const flat = await distinctFreePorts(16);
    const ports = [0, 1].map((n) => {
      const p = flat.slice(n * 8, n * 8 + 8) as [number, number, number, number, number, number, number, number];
      return {
        frontend: p[0],
        frontendMembership: p[1],
        history: p[2],
        historyMembership: p[3],
        matching: p[4],
        matchingMembership: p[5],
        worker: p[6],
        workerMembership: p[7],
      };
    }) as [NodePorts, NodePorts];
    const addresses = ports.map((p) => `127.0.0.1:${p.frontend}`) as [string, string];

    const dynamicConfigFile = join(dir, 'dynamicconfig.yaml');
    const dynamicConfig = { ...CLUSTER_DYNAMIC_CONFIG, ...options.dynamicConfig };
    // JSON is YAML: the server reads both files with a YAML parser.
    writeFileSync(
      dynamicConfigFile,
      JSON.stringify(Object.fromEntries(Object.entries(dynamicConfig).map(([key, value]) => [key, [{ value, constraints: {} }]])), null, 2),
    );
    const configFiles = ports.map((p, i) => {
      const file = join(dir, `node-${NODE_NAMES[i]}.yaml`);
      const config = serverConfig(postgres, p, addresses[0], dynamicConfigFile, options.numHistoryShards ?? 4, options.logLevel ?? 'info');
      writeFileSync(file, JSON.stringify(config, null, 2));
      return file;
    });
    const logFile = (i: number) => join(logsDir, `node-${NODE_NAMES[i] ?? i}.log`);

    const startNode = async (i: number) => {
      if (i !== 0 && i !== 1) throw new Error(`no node ${i}`);
      if (processes[i]) throw new Error(`node ${NODE_NAMES[i]} is already running`);
      const file = logFile(i);
      const fd = openSync(file, 'a');
      const offset = statSync(file).size;
      writeSync(fd, `\n===== ${new Date().toISOString()} starting node ${NODE_NAMES[i]} (frontend ${addresses[i]}) =====\n`);
      const child = spawn(TEMPORAL_SERVER_BIN, ['--allow-no-auth', '--config-file', configFiles[i]!, 'start'], {
        cwd: dir,
        stdio: ['ignore', fd, fd],
        env: serverEnv(),
      });
      closeSync(fd);
      processes[i] = child;
      if (child.pid !== undefined) reapOnExit(child.pid, 'SIGKILL');
      let spawnError: Error | undefined;
      child.once('error', (error) => {
        spawnError = error;
      });
      const failure = () => {
        if (spawnError) return `node ${NODE_NAMES[i]}: ${spawnError.message}`;
        if (child.exitCode !== null || child.signalCode !== null) {
          return `node ${NODE_NAMES[i]} exited (${child.exitCode ?? child.signalCode}) while starting. Log tail (${file}):\n${logSince(file, offset)}`;
        }
        return undefined;
      };
      try {
        await waitForFrontend(addresses[i], Date.now() + startTimeoutMs, failure);
      } catch (error) {
        await stopNode(i, { force: true });
        const message = (error as Error).message;
        throw new Error(
          message.includes('Log tail')
            ? message
            : `${message} (node ${NODE_NAMES[i]}, ${startTimeoutMs} ms). Log tail (${file}):\n${logSince(file, offset)}`,
        );
      }
    };

    const members = async (): Promise<ClusterMember[]> => {
      const out = await postgres.query(
        "SELECT role, rpc_address, rpc_port FROM cluster_membership WHERE record_expiry > now() AT TIME ZONE 'UTC' ORDER BY role, rpc_port",
        TEMPORAL_DB,
      );
      return out
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [role, address, port] = line.split('|');
          return { role: ROLE_NAMES[Number(role)] ?? String(role), address: address ?? '', port: Number(port) };
        });
    };

    // Node A first: it creates the cluster metadata and the system namespace; then node B joins.
    await startNode(0);
    await startNode(1);

    const deadline = Date.now() + startTimeoutMs;
    const connections = await Promise.all(addresses.map((address) => Connection.connect({ address })));
    try {
      await retryUntil(`registering namespace ${namespace}`, deadline, async () => {
        try {
          await connections[0]!.workflowService.registerNamespace({
            namespace,
            workflowExecutionRetentionPeriod: msToTs(24 * 60 * 60 * 1000),
          });
        } catch (error) {
          if ((error as { code?: number }).code !== 6 /* ALREADY_EXISTS */) throw error;
        }
      });
      await Promise.all(
        connections.map((connection) =>
          retryUntil(`namespace ${namespace} visible`, deadline, () => connection.workflowService.describeNamespace({ namespace })),
        ),
      );
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
    // One cluster: each node's rings (frontend, history, matching, worker) hold both nodes.
    await waitForRings(addresses, ports, deadline);

    proxy = await startFailoverProxy(addresses);

    return {
      addresses,
      failoverAddress: proxy.address,
      failoverConnections: () => proxy!.connections(),
      namespace,
      ports,
      postgres,
      databaseUrl: (dbName) => postgres.url(dbName),
      createDatabase: (name) => postgres.createDatabase(name),
      stopNode,
      startNode,
      isRunning: (i) => {
        const child = processes[i];
        return !!child && child.exitCode === null && child.signalCode === null;
      },
      members,
      rings: (i) => describeRings(addresses[i === 1 ? 1 : 0]),
      waitForRings: (timeoutMs = 30_000) =>
        waitForRings(
          addresses.filter((_, i) => processes[i]),
          ports.filter((_, i) => processes[i]),
          Date.now() + timeoutMs,
        ),
      logsDir,
      logFile,
      teardown: () => cleanup(),
    };
  } catch (error) {
    // The logs stay for a look (the error names the file); PostgreSQL's data goes.
    await cleanup(true).catch(() => undefined);
    throw error;
  }
}

/** The server reads these as flags (--env, --config, …): they must not clash with --config-file. */
export function serverEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of [
    'TEMPORAL_SERVICES',
    'TEMPORAL_ROOT',
    'TEMPORAL_CONFIG_DIR',
    'TEMPORAL_ENVIRONMENT',
    'TEMPORAL_AVAILABILITY_ZONE',
    'TEMPORAL_AVAILABILTY_ZONE',
    'TEMPORAL_SERVER_CONFIG_FILE_PATH',
  ]) {
    delete env[key];
  }
  return env;
}

function logSince(file: string, offset: number): string {
  try {
    const text = readFileSync(file, 'utf8').slice(offset);
    return text.trimEnd().split('\n').slice(-60).join('\n');
  } catch {
    return tail(file);
  }
}

/** A unique id for test workflows and task queues. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
