// What the cluster harness takes and gives: options, a node's member record, the running cluster.
import type { Postgres, PostgresOptions } from '../support/postgres.js';
import type { NodePorts } from './node-config.js';
import type { RingView } from './admin-rpc.js';

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
