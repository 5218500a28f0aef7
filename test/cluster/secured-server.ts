// One Temporal server node (the binary built from its Go module, all four services) on a given
// PostgreSQL, with its frontend secured: TLS with a certificate of the test CA, optionally client
// certificates required (mTLS), optionally the JWT authorizer and claim mapper reading a key set
// over HTTP. Restartable with another security on the same databases.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import type { Postgres } from '../support/postgres.js';
import { forgetOnExit, reapOnExit } from '../support/exit-reaper.js';
import { waitForExit } from '../support/processes.js';
import { TEMPORAL_SERVER_BIN } from './cluster-paths.js';
import { distinctFreePorts, serverConfig } from './node-config.js';
import { waitForFrontend } from './node-readiness.js';
import { CLUSTER_DYNAMIC_CONFIG, serverEnv } from './temporal-cluster.js';
import { FRONTEND_NAME, type TestPki } from './test-pki.js';

export interface SecuredServerOptions {
  name: string;
  dir: string;
  postgres: Postgres;
  pki: TestPki;
  /** mTLS: the frontend refuses a handshake without a client certificate from the test CA. */
  requireClientAuth: boolean;
  /** The JWT authorizer and claim mapper (global.authorization), with this JWKS. */
  jwksUrl?: string;
  /**
   * The node's ten ports, to restart it where it was. A restart on new ports is a new host to the
   * cluster: the old one stays in the membership table, and the ring may route shards to it until
   * it expires (the first request then stalls for about a minute).
   */
  ports?: number[];
}

export interface SecuredServer {
  address: string;
  ports: number[];
  logFile: string;
  stop(): Promise<void>;
}

/** What a client needs to trust this frontend (and, for mTLS, to be trusted by it). */
export function clientTls(pki: TestPki, withCertificate: boolean): TLSConfig {
  return {
    serverNameOverride: FRONTEND_NAME,
    serverRootCACertificate: readFileSync(pki.caCert),
    ...(withCertificate ? { clientCertPair: { crt: readFileSync(pki.client.cert), key: readFileSync(pki.client.key) } } : {}),
  };
}

export async function startSecuredServer(options: SecuredServerOptions): Promise<SecuredServer> {
  const { dir, pki, name } = options;
  const p = options.ports ?? (await distinctFreePorts(10));
  const ports = {
    frontend: p[0]!,
    frontendMembership: p[1]!,
    history: p[2]!,
    historyMembership: p[3]!,
    matching: p[4]!,
    matchingMembership: p[5]!,
    worker: p[6]!,
    workerMembership: p[7]!,
  };
  const address = `127.0.0.1:${ports.frontend}`;
  const dynamicConfigFile = join(dir, `${name}-dynamicconfig.yaml`);
  writeFileSync(
    dynamicConfigFile,
    JSON.stringify(Object.fromEntries(Object.entries(CLUSTER_DYNAMIC_CONFIG).map(([k, v]) => [k, [{ value: v, constraints: {} }]]))),
  );
  const base = serverConfig(options.postgres, ports, address, dynamicConfigFile, 4, 'warn');
  // Server v1.32 config structs (common/config/config.go): RootTLS, GroupTLS, WorkerTLS, Authorization.
  const frontendClient = { serverName: FRONTEND_NAME, rootCaFiles: [pki.caCert] };
  // Under the authorizer, the server's own system worker (scanners, …) would be refused at the
  // public frontend (no token) and stop the server: it goes through the internal-frontend, which
  // serves only the cluster's own services (bound to 127.0.0.1 here, internode TLS in production).
  const internalFrontend = options.jwksUrl
    ? { 'internal-frontend': { rpc: { grpcPort: p[8]!, membershipPort: p[9]!, bindOnLocalHost: true } } }
    : {};
  const config = {
    ...base,
    services: { ...base.services, ...internalFrontend },
    global: {
      ...base.global,
      tls: {
        frontend: {
          server: {
            certFile: pki.server.cert,
            keyFile: pki.server.key,
            requireClientAuth: options.requireClientAuth,
            clientCaFiles: [pki.caCert],
          },
          client: frontendClient,
        },
        // The server's own system worker calls the frontend like any client: with a certificate.
        systemWorker: { certFile: pki.client.cert, keyFile: pki.client.key, client: frontendClient },
      },
      ...(options.jwksUrl
        ? {
            authorization: {
              jwtKeyProvider: { keySourceURIs: [options.jwksUrl], refreshInterval: '1m' },
              permissionsClaimName: 'permissions',
              authorizer: 'default',
              claimMapper: 'default',
            },
          }
        : {}),
    },
  };
  const configFile = join(dir, `${name}.yaml`);
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const logFile = join(dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  // --allow-no-auth only when there is no authorizer: with one, the server must not fall back.
  const services = ['frontend', 'history', 'matching', 'worker', ...(options.jwksUrl ? ['internal-frontend'] : [])];
  const args = [
    ...(options.jwksUrl ? [] : ['--allow-no-auth']),
    '--config-file',
    configFile,
    'start',
    ...services.flatMap((s) => ['--service', s]),
  ];
  const child: ChildProcess = spawn(TEMPORAL_SERVER_BIN, args, { cwd: dir, stdio: ['ignore', fd, fd], env: serverEnv() });
  closeSync(fd);
  if (child.pid !== undefined) reapOnExit(child.pid, 'SIGKILL');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 30_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    if (child.pid !== undefined) forgetOnExit(child.pid);
  };
  const tail = () => readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-40).join('\n');
  try {
    // The health check and GetSystemInfo need no credentials, even under the authorizer.
    await waitForFrontend({ address, tls: clientTls(pki, true) }, Date.now() + 90_000, () =>
      child.exitCode !== null || child.signalCode !== null
        ? `${name} exited (${child.exitCode ?? child.signalCode}):\n${tail()}`
        : undefined,
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nLog tail (${logFile}):\n${tail()}`);
  }
  return { address, ports: p, logFile, stop };
}
