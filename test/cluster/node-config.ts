// The pieces of one Temporal server node's setup: free ports below the ephemeral range and the
// server's YAML configuration (PostgreSQL persistence and visibility, ports, membership).
import { createServer } from 'node:net';
import type { Postgres } from '../support/postgres.js';
import { TEMPORAL_DB, TEMPORAL_VISIBILITY_DB } from './cluster-paths.js';

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
export async function distinctFreePorts(count: number, low = 20_000, high = 32_767): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempts = 0; ports.size < count; attempts++) {
    if (attempts > 2_000) throw new Error(`could not find ${count} free ports in ${low}-${high}`);
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (!ports.has(port) && (await canBind(port))) ports.add(port);
  }
  return [...ports];
}

export function serverConfig(
  pg: Postgres,
  ports: NodePorts,
  clusterRpcAddress: string,
  dynamicConfigFile: string,
  shards: number,
  logLevel: string,
) {
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
