// Switchyard prepares the Temporal namespace it is pointed at: the namespace and the project's
// search attributes, registered through the operator service when missing; a clear refusal with
// the commands to run when the cluster does not allow it; and no 500 when a cluster lacks them.
import { randomUUID } from 'node:crypto';
import { InterceptingCall, Metadata, status, type Interceptor } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes.js';
import { ClusterNotPreparedError, prepareTemporalCluster } from '../common/temporal/cluster.js';
import { buildTestApp, authHeader } from './support/api.js';
import type { Json } from './support/http.js';

/** What a cluster with an authorizer answers this client for AddSearchAttributes. */
const refuseAddSearchAttributes: Interceptor = (options, nextCall) => {
  if (!options.method_definition.path.endsWith('/AddSearchAttributes')) return new InterceptingCall(nextCall(options));
  return new InterceptingCall(nextCall(options), {
    // Answered here, as the server's authorizer would; the call never goes out.
    start(_metadata, listener) {
      setImmediate(() =>
        listener.onReceiveStatus({ code: status.PERMISSION_DENIED, details: 'Request unauthorized.', metadata: new Metadata() }),
      );
    },
  });
};

describe('preparing a Temporal cluster', () => {
  let connection: Connection;
  const names = SEARCH_ATTRIBUTES.map((k) => k.name).sort();

  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await connection?.close();
  });

  const customAttributes = async (namespace: string) =>
    Object.keys((await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {}).sort();

  it('creates a missing namespace and registers every search attribute, once', async () => {
    const namespace = `prep-${randomUUID().slice(0, 8)}`;
    const first = await prepareTemporalCluster(connection, { namespace, namespaceRetentionDays: 1 });
    expect(first.namespaceCreated).toBe(true);
    expect(first.registered.sort()).toEqual(names);
    expect(await customAttributes(namespace)).toEqual(expect.arrayContaining(names));
    // Idempotent: a second replica starting finds everything in place.
    expect(await prepareTemporalCluster(connection, { namespace })).toEqual({ namespaceCreated: false, registered: [] });
  });

  it('stops with the missing names and the commands to run when the cluster refuses to register them', async () => {
    const namespace = `prep-denied-${randomUUID().slice(0, 8)}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const restricted = await Connection.connect({ address: inject('temporalAddress'), interceptors: [refuseAddSearchAttributes] });
    try {
      await expect
        .poll(async () =>
          connection.workflowService.describeNamespace({ namespace }).then(
            () => true,
            () => false,
          ),
        )
        .toBe(true);
      const refusal = await prepareTemporalCluster(restricted, { namespace }).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ClusterNotPreparedError);
      const error = refusal as ClusterNotPreparedError;
      expect(error.missing.sort()).toEqual(names);
      expect(error.message).toContain(`lacks Switchyard's search attributes`);
      expect(error.message).toContain(`temporal operator search-attribute create --namespace ${namespace} --name DeployStage --type Int`);
      expect(error.message).toContain(
        `temporal operator search-attribute create --namespace ${namespace} --name DeployService --type Keyword`,
      );
      expect(error.commands).toHaveLength(names.length);
    } finally {
      await restricted.close();
    }
  });

  it('answers 503 with what to do, never 500, when the namespace lacks the search attributes', async () => {
    const namespace = `prep-bare-${randomUUID().slice(0, 8)}`;
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await expect
      .poll(async () =>
        connection.workflowService.describeNamespace({ namespace }).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
    const app = buildTestApp(new Client({ connection, namespace }), 'unused-queue');
    const res = await app.request('/api/v1/deployments', { headers: authHeader('viewer') });
    const body = (await res.json()) as Json;
    expect(res.status, JSON.stringify(body)).toBe(503);
    expect(body).toMatchObject({ status: 503, error: 'Service Unavailable' });
    expect(body.message).toContain('npm run cluster:init');
  });
});
