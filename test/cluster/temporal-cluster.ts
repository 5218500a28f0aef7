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
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { connect as http2Connect } from 'node:http2';
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { startPostgres, type Postgres, type PostgresOptions } from '../support/postgres.js';
import { forgetOnExit, reapOnExit } from '../support/exit-reaper.js';
import { waitForExit } from '../support/processes.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const toolsDir = join(projectRoot, '.tools', 'temporal-cluster');
export const TEMPORAL_SERVER_BIN = process.env.TEMPORAL_SERVER_BIN ?? join(toolsDir, 'bin', 'temporal-server');
export const TEMPORAL_SQL_TOOL_BIN = process.env.TEMPORAL_SQL_TOOL_BIN ?? join(toolsDir, 'bin', 'temporal-sql-tool');
export const TEMPORAL_PG_SCHEMA_DIR = process.env.TEMPORAL_PG_SCHEMA_DIR ?? join(toolsDir, 'schema', 'postgresql', 'v12');
const HOW_TO_SETUP = 'Run `node scripts/setup-temporal-cluster.mjs` (builds the Temporal server from its Go module, ~4 minutes the first time).';

/** The databases the Temporal server itself uses on the shared PostgreSQL. */
export const TEMPORAL_DB = 'temporal';
export const TEMPORAL_VISIBILITY_DB = 'temporal_visibility';

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
  'system.forceSearchAttributesCacheRefreshOnRead': true,
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  'system.namespaceCacheRefreshInterval': '1s',
  'limit.maxIDLength': 255,
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
};

export interface TemporalClusterOptions {
  /** Namespace registered once the cluster is up (retention 1 day). Default `default`. */
  namespace?: string;
  numHistoryShards?: number;
  /** Server log level (logs go to files in `logsDir`). Default `info`. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Extra or overriding dynamic config values (key → value, no constraints). */
  dynamicConfig?: Record<string, unknown>;
  /** Per node start-up limit. Default 90 s. */
  startTimeoutMs?: number;
  /** Keep the temp folder (configs, logs, PostgreSQL data) after teardown(). Also $TEMPORAL_CLUSTER_KEEP=1. */
  keep?: boolean;
  postgres?: PostgresOptions;
}

export interface NodePorts {
  frontend: number;
  frontendMembership: number;
  history: number;
  historyMembership: number;
  matching: number;
  matchingMembership: number;
  worker: number;
  workerMembership: number;
}

export interface ClusterMember {
  role: 'frontend' | 'history' | 'matching' | 'worker' | string;
  address: string;
  port: number;
}

export interface TemporalCluster {
  /** host:port of each node's frontend. */
  addresses: [string, string];
  /** host:port of the failover proxy: connections go to node A, or to node B when A refuses. */
  failoverAddress: string;
  /** How many proxied connections went to each node's frontend so far. */
  failoverConnections(): Record<string, number>;
  namespace: string;
  ports: [NodePorts, NodePorts];
  postgres: Postgres;
  /** URL of an app database on the same PostgreSQL (create it first with createDatabase). */
  databaseUrl(dbName: string): string;
  createDatabase(name: string): Promise<void>;
  /** Stops node i: SIGTERM and a graceful shutdown; `force` kills it (SIGKILL) like a crash. */
  stopNode(i: number, options?: { force?: boolean }): Promise<void>;
  /** Starts node i again (same ports and config) and waits until its frontend is serving. */
  startNode(i: number): Promise<void>;
  isRunning(i: number): boolean;
  /** Live cluster members from the cluster_membership table (heartbeat not expired). */
  members(): Promise<ClusterMember[]>;
  /** The membership rings as node i sees them (AdminService.DescribeCluster). */
  rings(i: number): Promise<RingView>;
  /** Waits until every running node's rings hold exactly the running nodes (e.g. after stopNode/startNode). */
  waitForRings(timeoutMs?: number): Promise<void>;
  logsDir: string;
  logFile(i: number): string;
  teardown(): Promise<void>;
}

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


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether 127.0.0.1:port can be bound right now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Distinct free ports for the server nodes, below the kernel's ephemeral range (32768+ on Linux):
 * the PostgreSQL schema stores membership ports as SMALLINT (max 32767), and a port outside the
 * ephemeral range cannot be taken by some outgoing connection while a node is stopped.
 */
async function distinctFreePorts(count: number, low = 20_000, high = 32_767): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempts = 0; ports.size < count; attempts++) {
    if (attempts > 2_000) throw new Error(`could not find ${count} free ports in ${low}-${high}`);
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (!ports.has(port) && (await canBind(port))) ports.add(port);
  }
  return [...ports];
}


function serverConfig(pg: Postgres, ports: NodePorts, clusterRpcAddress: string, dynamicConfigFile: string, shards: number, logLevel: string) {
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${pg.host}:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number) => ({ rpc: { grpcPort, membershipPort, bindOnLocalHost: true } });
  return {
    log: { stdout: true, level: logLevel, format: 'console' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: shards,
      datastores: {
        'postgres-default': sql(TEMPORAL_DB, 20),
        'postgres-visibility': sql(TEMPORAL_VISIBILITY_DB, 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
    },
    services: {
      frontend: rpc(ports.frontend, ports.frontendMembership),
      history: rpc(ports.history, ports.historyMembership),
      matching: rpc(ports.matching, ports.matchingMembership),
      worker: rpc(ports.worker, ports.workerMembership),
    },
    // One cluster (no XDC): identical on both nodes, the cluster metadata lives in the database.
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: clusterRpcAddress },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } },
    namespaceDefaults: { archival: { history: { state: 'disabled' }, visibility: { state: 'disabled' } } },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
}

/** Waits until the frontend at `address` reports SERVING on the gRPC health service. */
async function waitForFrontend(address: string, deadline: number, failed: () => string | undefined): Promise<void> {
  let lastError = 'not reachable yet';
  while (Date.now() < deadline) {
    const why = failed();
    if (why) throw new Error(why);
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      const health = await connection.withDeadline(Date.now() + 2_000, () =>
        connection!.healthService.check({ service: 'temporal.api.workflowservice.v1.WorkflowService' }));
      if (health.status === 1 /* SERVING */) {
        await connection.withDeadline(Date.now() + 2_000, () => connection!.workflowService.getSystemInfo({}));
        return;
      }
      lastError = `health status ${health.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await sleep(250);
  }
  throw new Error(`frontend ${address} not serving: ${lastError}`);
}

async function retryUntil<T>(what: string, deadline: number, fn: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      await sleep(300);
    }
  }
  throw new Error(`${what} timed out: ${(lastError as Error | undefined)?.message ?? 'no attempt'}`);
}

/** Each service ring as one node sees it (AdminService.DescribeCluster): role → member identities (grpc host:port). */
export type RingView = Record<string, string[]>;

/**
 * Calls the server-internal AdminService.DescribeCluster on a frontend and returns its view of
 * the membership rings. The admin API's protos are not in the TypeScript SDK, so this is a
 * plain gRPC call over node:http2 with the few response fields decoded by hand.
 */
export async function describeRings(address: string, timeoutMs = 5_000): Promise<RingView> {
  const body = await grpcUnary(address, '/temporal.server.api.adminservice.v1.AdminService/DescribeCluster', Buffer.alloc(0), timeoutMs);
  const rings: RingView = {};
  for (const [field, membership] of protoFields(body)) {
    if (field !== 3 || !Buffer.isBuffer(membership)) continue; // membership_info
    for (const [ringField, ring] of protoFields(membership)) {
      if (ringField !== 3 || !Buffer.isBuffer(ring)) continue; // rings
      let role = '';
      const members: string[] = [];
      for (const [f, v] of protoFields(ring)) {
        if (f === 1 && Buffer.isBuffer(v)) role = v.toString('utf8');
        if (f === 3 && Buffer.isBuffer(v)) {
          for (const [hf, hv] of protoFields(v)) if (hf === 1 && Buffer.isBuffer(hv)) members.push(hv.toString('utf8'));
        }
      }
      rings[role] = members.sort();
    }
  }
  return rings;
}

function grpcUnary(address: string, path: string, message: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(`http://${address}`);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`${path} on ${address}: timed out`));
    }, timeoutMs);
    const done = (error?: Error, value?: Buffer) => {
      clearTimeout(timer);
      session.close();
      if (error) reject(error);
      else resolve(value!);
    };
    session.once('error', (error) => done(error));
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    let statusMessage = '';
    req.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
    });
    req.on('trailers', (trailers) => {
      status = String(trailers['grpc-status'] ?? status);
      statusMessage = decodeURIComponent(String(trailers['grpc-message'] ?? ''));
    });
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', (error) => done(error));
    req.on('end', () => {
      if (status !== '0') return done(new Error(`${path} on ${address}: grpc-status ${status} ${statusMessage}`));
      const data = Buffer.concat(chunks);
      if (data.length < 5) return done(new Error(`${path} on ${address}: empty response`));
      done(undefined, data.subarray(5, 5 + data.readUInt32BE(1)));
    });
    req.end(frame);
  });
}

/** The top-level fields of a protobuf message: [field number, varint value | bytes]. */
function protoFields(buf: Buffer): Array<[number, bigint | Buffer]> {
  const fields: Array<[number, bigint | Buffer]> = [];
  let pos = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[pos++];
      if (byte === undefined) throw new Error('truncated protobuf');
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    switch (key & 7) {
      case 0: fields.push([field, varint()]); break;
      case 1: pos += 8; break;
      case 2: {
        const length = Number(varint());
        fields.push([field, buf.subarray(pos, pos + length)]);
        pos += length;
        break;
      }
      case 5: pos += 4; break;
      default: throw new Error(`unsupported protobuf wire type ${key & 7}`);
    }
  }
  return fields;
}

const RING_PORTS: Array<[string, keyof NodePorts]> = [['frontend', 'frontend'], ['history', 'history'], ['matching', 'matching'], ['worker', 'worker']];

async function waitForRings(addresses: string[], ports: NodePorts[], deadline: number): Promise<void> {
  const expected = Object.fromEntries(RING_PORTS.map(([role, key]) => [role, ports.map((p) => `127.0.0.1:${p[key]}`).sort()]));
  await retryUntil('membership rings', deadline, async () => {
    for (const address of addresses) {
      const view = await describeRings(address);
      for (const [role, members] of Object.entries(expected)) {
        if (JSON.stringify(view[role] ?? []) !== JSON.stringify(members)) {
          throw new Error(`${address} sees ${role} ring ${JSON.stringify(view[role] ?? [])}, expected ${JSON.stringify(members)}`);
        }
      }
    }
  });
}

export interface FailoverProxy {
  address: string;
  /** How many connections went to each upstream so far. */
  connections(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * A TCP proxy that sends every new connection to the first upstream that accepts it, in order:
 * what a load balancer with health checks in front of the frontends does.
 */
export async function startFailoverProxy(upstreams: string[]): Promise<FailoverProxy> {
  const sockets = new Set<Socket>();
  const counts: Record<string, number> = Object.fromEntries(upstreams.map((u) => [u, 0]));
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.pause();
    const tryUpstream = (i: number) => {
      const target = upstreams[i];
      if (!target || client.destroyed) {
        client.destroy();
        return;
      }
      const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
      const upstream = netConnect({ host, port });
      const onConnectError = () => {
        upstream.destroy();
        tryUpstream(i + 1);
      };
      upstream.once('error', onConnectError);
      upstream.once('connect', () => {
        upstream.off('error', onConnectError);
        counts[target] = (counts[target] ?? 0) + 1;
        sockets.add(upstream);
        upstream.once('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.once('close', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    client.on('error', () => undefined);
    tryUpstream(0);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    connections: () => ({ ...counts }),
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
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
    await postgres.createDatabase(TEMPORAL_DB);
    await postgres.createDatabase(TEMPORAL_VISIBILITY_DB);

    const sqlArgs = (db: string) => ['--plugin', 'postgres12', '--ep', postgres.host, '-p', String(postgres.port), '-u', postgres.user, '--pw', postgres.password, '--db', db];
    await Promise.all([
      [TEMPORAL_DB, 'temporal'],
      [TEMPORAL_VISIBILITY_DB, 'visibility'],
    ].map(async ([db, schema]) => {
      await run(TEMPORAL_SQL_TOOL_BIN, [...sqlArgs(db!), 'setup-schema', '-v', '0.0'], setupLog);
      await run(TEMPORAL_SQL_TOOL_BIN, [...sqlArgs(db!), 'update-schema', '-d', join(TEMPORAL_PG_SCHEMA_DIR, schema!, 'versioned')], setupLog);
    }));

    const flat = await distinctFreePorts(16);
    const ports = [0, 1].map((n) => {
      const p = flat.slice(n * 8, n * 8 + 8) as [number, number, number, number, number, number, number, number];
      return { frontend: p[0], frontendMembership: p[1], history: p[2], historyMembership: p[3], matching: p[4], matchingMembership: p[5], worker: p[6], workerMembership: p[7] };
    }) as [NodePorts, NodePorts];
    const addresses = ports.map((p) => `127.0.0.1:${p.frontend}`) as [string, string];

    const dynamicConfigFile = join(dir, 'dynamicconfig.yaml');
    const dynamicConfig = { ...CLUSTER_DYNAMIC_CONFIG, ...options.dynamicConfig };
    // JSON is YAML: the server reads both files with a YAML parser.
    writeFileSync(dynamicConfigFile, JSON.stringify(
      Object.fromEntries(Object.entries(dynamicConfig).map(([key, value]) => [key, [{ value, constraints: {} }]])),
      null, 2,
    ));
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
      child.once('error', (error) => { spawnError = error; });
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
        throw new Error(message.includes('Log tail') ? message : `${message} (node ${NODE_NAMES[i]}, ${startTimeoutMs} ms). Log tail (${file}):\n${logSince(file, offset)}`);
      }
    };

    const members = async (): Promise<ClusterMember[]> => {
      const out = await postgres.query(
        'SELECT role, rpc_address, rpc_port FROM cluster_membership WHERE record_expiry > now() AT TIME ZONE \'UTC\' ORDER BY role, rpc_port',
        TEMPORAL_DB,
      );
      return out.split('\n').filter(Boolean).map((line) => {
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
      await Promise.all(connections.map((connection) =>
        retryUntil(`namespace ${namespace} visible`, deadline, () => connection.workflowService.describeNamespace({ namespace }))));
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
      waitForRings: (timeoutMs = 30_000) => waitForRings(addresses.filter((_, i) => processes[i]), ports.filter((_, i) => processes[i]), Date.now() + timeoutMs),
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
function serverEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['TEMPORAL_SERVICES', 'TEMPORAL_ROOT', 'TEMPORAL_CONFIG_DIR', 'TEMPORAL_ENVIRONMENT', 'TEMPORAL_AVAILABILITY_ZONE', 'TEMPORAL_AVAILABILTY_ZONE', 'TEMPORAL_SERVER_CONFIG_FILE_PATH']) {
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
