// Switchyard against a secured Temporal: the real server (built from its Go module, on PostgreSQL)
// first with mTLS required on its frontend, then restarted on the same databases and ports with TLS and the
// JWT authorizer and claim mapper reading a key set the test serves. In each, `npm run
// cluster:init` and `npm start` get their credentials only through the SDK's variables
// (TEMPORAL_TLS_*, TEMPORAL_API_KEY), and a deployment reaches the gate and completes. Clients
// without credentials are refused, and so is a decision sent straight to Temporal by someone who
// may not write in the namespace: the namespace is the trust boundary (docs/runbook/temporal.md, "Who may decide").
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SERVICE } from '../../emulators/sandbox.js';
import { writeWorkflowBundle } from '../../worker/workflow-bundle.js';
import { switchTrafficUpdate, type DecisionRequest } from '../../workflows/deployment/messages.js';
import { serviceWorkflowId } from '../../workflows/service/service-key.js';
import { freePort } from '../support/free-port.js';
import { json } from '../support/http.js';
import { startPostgres, type Postgres } from '../support/postgres.js';
import { killAll, startProcess, waitFor, type Child } from '../support/processes.js';
import { clientTls, startSecuredServer, type SecuredServer } from './secured-server.js';
import { setUpTemporalSchemas } from './temporal-cluster.js';
import { FRONTEND_NAME, makeTestPki, type TestPki } from './test-pki.js';
import { newSigningKey, signToken, startTokenIssuer, type TokenIssuer } from './test-jwks.js';

const FORGED: DecisionRequest = { by: 'mallory', via: 'api', role: 'admin', reason: 'forged straight to Temporal' };

/** Runs `fn`; returns what it threw (or fails the test if it did not). */
async function refusal(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    const e = error as Error & { cause?: Error & { code?: number }; code?: number };
    return `${e.message} | ${e.cause?.message ?? ''} | code ${e.code ?? e.cause?.code ?? '?'}`;
  }
  throw new Error('expected a refusal, but the call went through');
}

async function withConnection<T>(options: ConnectionOptions, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ ...options, connectTimeout: 5_000 });
  try {
    return await fn(new Client({ connection, namespace: 'default' }));
  } finally {
    await connection.close();
  }
}

describe('Switchyard on a secured Temporal server (mTLS, then JWT authorizer)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-temporal-auth-'));
  const adminKey = `auth-admin-${randomBytes(12).toString('hex')}`;
  const children: Child[] = [];
  let pki: TestPki;
  let postgres: Postgres;
  let issuer: TokenIssuer;
  let bundlePath: string;
  let server: SecuredServer | undefined;
  /** The node's ports: the JWT server is the mTLS one restarted, on the same addresses. */
  let ports: number[] | undefined;

  beforeAll(async () => {
    pki = makeTestPki(dir);
    bundlePath = join(dir, 'workflow-bundle.js');
    postgres = await startPostgres();
    await Promise.all([setUpTemporalSchemas(postgres, join(dir, 'setup.log')), writeWorkflowBundle(bundlePath)]);
    issuer = await startTokenIssuer();
  }, 240_000);

  afterAll(async () => {
    await killAll(children);
    await server?.stop();
    await issuer?.close();
    await postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const runInit = async (env: Record<string, string>) => {
    const init = startProcess('cluster:init', ['launcher/cluster-init.ts'], { TEMPORAL_TASK_QUEUE: 'unused', ...env });
    return { code: await init.exited, output: init.output() };
  };

  /** `npm start` against the server, sandbox on; a deployment to the gate. Returns the API's caller and the id. */
  const launchAndDeploy = async (name: string, temporalEnv: Record<string, string>) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const launcher = startProcess(name, ['launcher/main.ts'], {
      ...temporalEnv,
      TEMPORAL_TASK_QUEUE: `${name}-${randomUUID().slice(0, 6)}`,
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHYARD_API_KEY: adminKey,
      SWITCHYARD_DATA_DIR: join(dir, name),
      SWITCHYARD_SANDBOX: 'true',
      DEPLOY_POLL_MS: '200',
      WORKFLOW_BUNDLE_PATH: bundlePath,
      LOG_LEVEL: 'info',
      DISTRIBUTION_SYNC_WAIT_MS: '30000',
    });
    children.push(launcher);
    await waitFor(`${name} banner`, [launcher], () => launcher.output().includes('Switchyard is running'), 120_000);
    const call = async (method: string, path: string, body?: unknown) =>
      json(
        await fetch(`${url}${path}`, {
          method,
          headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
    const connections = (await call('GET', '/api/v1/connections')).data;
    const deploy = async (): Promise<string | undefined> => {
      const asked = Date.now();
      const deployed = await call('POST', '/api/v1/deploy', {
        githubConnectionId: connections.github[0].connectionId,
        awsConnectionId: connections.aws[0].connectionId,
        owner: SANDBOX_SERVICE.owner,
        repo: SANDBOX_SERVICE.repo,
        branch: 'main',
        version: 'v1.2.3',
      });
      console.log(
        `[temporal-auth] ${name}: POST /deploy answered ${deployed.status ?? deployed.code} in ${Date.now() - asked} ms${deployed.message ? `: ${deployed.message}` : ''}`,
      );
      if (!(deployed.status === 503 && typeof deployed.deploymentId === 'string')) {
        expect(deployed.code, JSON.stringify(deployed)).toBe(200);
        return deployed.data.deploymentId;
      }
      // The API's bound on a slow admission (DEPLOY_ADMISSION_TIMEOUT_SECONDS). As the 503 says:
      // read the id's result before asking again, and ask again only if it never started.
      const id: string = deployed.deploymentId;
      const started = async () => (await call('GET', `/api/v1/deploy/${id}/result`)).code === 200;
      for (const until = Date.now() + 30_000; Date.now() < until; await new Promise((r) => setTimeout(r, 1000)))
        if (await started()) return id;
      return undefined;
    };
    const deploymentId = (await deploy()) ?? (await deploy());
    if (!deploymentId) throw new Error(`${name}: no deployment started within two requests`);
    const result = async () => (await call('GET', `/api/v1/deploy/${deploymentId}/result`)).data;
    await waitFor('DEPLOYMENT_READY', [launcher], async () => (await result())?.status === 'DEPLOYMENT_READY', 120_000);
    return { launcher, call, deploymentId, result };
  };

  /** The legitimate path: the API's switch, then the deployment completes on green; then a distribution. */
  /**
   * `temporal`: how this server's trusted client connects. Both servers share one database, so the
   * service's admission run (bound to this launcher's task queue) must close while its worker
   * lives; left open, the next launcher's deploy of the same service would queue behind it.
   */
  const switchAndComplete = async (deployed: Awaited<ReturnType<typeof launchAndDeploy>>, temporal: ConnectionOptions) => {
    const switched = await deployed.call('POST', `/api/v1/deploy/${deployed.deploymentId}/switch`);
    expect(switched.code, JSON.stringify(switched)).toBe(200);
    await waitFor('COMPLETED', [deployed.launcher], async () => (await deployed.result())?.status === 'COMPLETED', 120_000);
    const result = await deployed.result();
    expect(result).toMatchObject({ status: 'COMPLETED', finalService: 'green' });
    // The forged decision left no trace: the one approval is the API's.
    expect(JSON.stringify(result)).not.toContain(FORGED.by);
    // Its deployment done, the service's admission run closes (its own worker's task).
    const admission = serviceWorkflowId(`${SANDBOX_SERVICE.cluster}/${SANDBOX_SERVICE.service}`);
    await waitFor(
      'the admission run to close',
      [deployed.launcher],
      async () => withConnection(temporal, async (c) => (await c.workflow.getHandle(admission).describe()).status.name !== 'RUNNING'),
      60_000,
    );
    // And it distributes over the same secured connection: two channels in parallel, both published.
    const eventId = `evt-auth-${randomUUID().slice(0, 8)}`;
    const distributed = await deployed.call('POST', '/api/distribution/distribute', {
      eventId,
      contentUrls: { kakaoChannel: 'https://cdn.example.com/k.jpg', naverBlog: 'https://cdn.example.com/n.jpg' },
      channels: [
        { type: 'KAKAO_CHANNEL', config: { text: 'secured' } },
        { type: 'NAVER_BLOG', config: { title: 'secured' } },
      ],
    });
    expect(distributed, JSON.stringify(distributed)).toMatchObject({ eventId, status: 'COMPLETED' });
    expect(distributed.results.map((r: { status: string }) => r.status)).toEqual(['SUCCESS', 'SUCCESS']);
  };

  describe('mTLS required on the frontend', () => {
    let tlsEnv: Record<string, string>;

    beforeAll(async () => {
      server = await startSecuredServer({ name: 'mtls', dir, postgres, pki, requireClientAuth: true });
      ports = server.ports;
      tlsEnv = {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
        TEMPORAL_TLS_SERVER_NAME: FRONTEND_NAME,
        TEMPORAL_TLS_CLIENT_CERT_PATH: pki.client.cert,
        TEMPORAL_TLS_CLIENT_KEY_PATH: pki.client.key,
      };
    }, 120_000);

    afterAll(async () => {
      await killAll(children.splice(0));
      await server?.stop();
      server = undefined;
    });

    it('refuses a client without TLS, without a certificate, or with one from another CA', { timeout: 60_000 }, async () => {
      const address = server!.address;
      // The handshake fails, so the client never connects (the control below, with the certificate, does).
      expect(await refusal(() => withConnection({ address }, (c) => c.workflowService.getSystemInfo({})))).toMatch(/Failed to connect/);
      expect(
        await refusal(() => withConnection({ address, tls: clientTls(pki, false) }, (c) => c.workflowService.getSystemInfo({}))),
      ).toMatch(/Failed to connect/);
      const stranger = {
        ...clientTls(pki, false),
        clientCertPair: { crt: readFileSync(pki.stranger.cert), key: readFileSync(pki.stranger.key) },
      };
      expect(await refusal(() => withConnection({ address, tls: stranger }, (c) => c.workflowService.getSystemInfo({})))).toMatch(
        /Failed to connect/,
      );
      // The control: the same call with Switchyard's certificate goes through.
      const info = await withConnection({ address, tls: clientTls(pki, true) }, (c) => c.workflowService.getSystemInfo({}));
      expect(info.serverVersion).toMatch(/^1\.32\./);
      // cluster:init without the certificate says what failed, without a stack.
      const refused = await runInit({
        TEMPORAL_ADDRESS: address,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
        TEMPORAL_TLS_SERVER_NAME: FRONTEND_NAME,
      });
      expect(refused.code).toBe(1);
      expect(refused.output).toContain(`Connecting to Temporal at ${address} failed`);
    });

    it(
      'cluster:init and npm start connect with TEMPORAL_TLS_*; a deployment completes; a client without the certificate cannot decide',
      { timeout: 300_000 },
      async () => {
        const init = await runInit(tlsEnv);
        expect(init.code, init.output).toBe(0);
        expect(init.output).toContain('namespace default: ready (namespace created)');

        const deployed = await launchAndDeploy('mtls-launcher', tlsEnv);
        // A forged decision from a client the frontend does not trust never reaches the workflow.
        const stranger = {
          ...clientTls(pki, false),
          clientCertPair: { crt: readFileSync(pki.stranger.cert), key: readFileSync(pki.stranger.key) },
        };
        expect(
          await refusal(() =>
            withConnection({ address: server!.address, tls: stranger }, (c) =>
              c.workflow.getHandle(deployed.deploymentId).executeUpdate(switchTrafficUpdate, { args: [FORGED] }),
            ),
          ),
        ).toMatch(/Failed to connect/);
        expect(await deployed.result()).toMatchObject({ status: 'DEPLOYMENT_READY' });
        await switchAndComplete(deployed, { address: server!.address, tls: clientTls(pki, true) });
      },
    );
  });

  describe('JWT authorizer and claim mapper (TLS, API key)', () => {
    let jwtEnv: Record<string, string>;

    beforeAll(async () => {
      server = await startSecuredServer({
        name: 'jwt',
        dir,
        postgres,
        pki,
        requireClientAuth: false,
        jwksUrl: issuer.jwksUrl,
        ...(ports ? { ports } : {}),
      });
      jwtEnv = {
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
        TEMPORAL_TLS_SERVER_NAME: FRONTEND_NAME,
        TEMPORAL_API_KEY: issuer.token('switchyard', ['default:admin']),
      };
    }, 120_000);

    afterAll(async () => {
      await killAll(children.splice(0));
      await server?.stop();
      server = undefined;
    });

    it(
      'cluster:init prepares with the token; no token, a token the key set did not sign, and one for another namespace are refused',
      { timeout: 90_000 },
      async () => {
        const init = await runInit(jwtEnv);
        expect(init.code, init.output).toBe(0);
        expect(init.output).toContain('namespace default: ready');
        const options = { address: server!.address, tls: clientTls(pki, false) };
        const describe = (apiKey?: string) =>
          withConnection({ ...options, ...(apiKey ? { apiKey } : {}) }, (c) =>
            c.workflowService.describeNamespace({ namespace: 'default' }),
          );
        expect(await refusal(() => describe())).toMatch(/unauthorized|permission/i);
        expect(await refusal(() => describe(signToken(newSigningKey(), 'switchyard-test-key', 'mallory', ['default:admin'])))).toMatch(
          /unauthorized|permission|verif|signature/i,
        );
        expect(await refusal(() => describe(issuer.token('other', ['elsewhere:admin'])))).toMatch(/unauthorized|permission/i);
        // The control: Switchyard's token reads the namespace.
        expect((await describe(jwtEnv.TEMPORAL_API_KEY)).namespaceInfo?.name).toBe('default');
        const refused = await runInit({ ...jwtEnv, TEMPORAL_API_KEY: issuer.token('other', ['elsewhere:admin']) });
        expect(refused.code).toBe(1);
        expect(refused.output).toMatch(/Preparing Temporal at .* failed: .*unauthorized/i);
      },
    );

    it(
      'npm start connects with TEMPORAL_API_KEY; a deployment completes; a reader cannot send a decision',
      { timeout: 300_000 },
      async () => {
        const deployed = await launchAndDeploy('jwt-launcher', jwtEnv);
        // A Temporal UI viewer (namespace read) sends the workflow a decision claiming the admin role.
        const reader = issuer.token('viewer', ['default:read']);
        const why = await refusal(() =>
          withConnection({ address: server!.address, tls: clientTls(pki, false), apiKey: reader }, (c) =>
            c.workflow.getHandle(deployed.deploymentId).executeUpdate(switchTrafficUpdate, { args: [FORGED] }),
          ),
        );
        expect(why).toMatch(/PERMISSION_DENIED: Request unauthorized/);
        // It can still read, as the UI does: reading is all its token allows.
        const seen = await withConnection({ address: server!.address, tls: clientTls(pki, false), apiKey: reader }, (c) =>
          c.workflow.getHandle(deployed.deploymentId).describe(),
        );
        expect(seen.status.name).toBe('RUNNING');
        expect(await deployed.result()).toMatchObject({ status: 'DEPLOYMENT_READY' });
        await switchAndComplete(deployed, { address: server!.address, tls: clientTls(pki, false), apiKey: jwtEnv.TEMPORAL_API_KEY! });
      },
    );
  });
});
