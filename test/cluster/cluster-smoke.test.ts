// The cluster harness itself, on a real two-node Temporal server on PostgreSQL: the nodes form one
// cluster, work started through one node runs on a worker connected to the other, update-with-start
// and search attributes registered through one node work through the other at once, and a client
// behind the failover address keeps working when node A goes away (and A can come back).
import { fileURLToPath } from 'node:url';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, TypedSearchAttributes } from '@temporalio/common';
import proto from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUpdate, counter, finishSignal, greet, waitForFinish, type SmokeActivities } from './smoke-workflows.js';
import { startTemporalCluster, uniqueId, type TemporalCluster } from './temporal-cluster.js';

const { temporal } = proto;
const WORKER_IDENTITY = 'smoke-worker@node-b';
const workflowsPath = fileURLToPath(new URL('./smoke-workflows.ts', import.meta.url));

const activities: SmokeActivities = {
  async shout(text) {
    return text.toUpperCase();
  },
};

function seconds(ms: number) {
  return `${(ms / 1000).toFixed(1)} s`;
}

describe('two-node Temporal cluster on PostgreSQL', () => {
  const taskQueue = uniqueId('smoke');
  let cluster: TemporalCluster;
  let connectionA: Connection;
  let connectionB: Connection;
  let clientA: Client;
  let clientB: Client;
  let workerConnection: NativeConnection;
  let worker: Worker;
  let workerRun: Promise<void>;
  const timings: Record<string, string> = {};

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startTemporalCluster();
    timings.clusterUp = seconds(Date.now() - started);
    connectionA = await Connection.connect({ address: cluster.addresses[0] });
    connectionB = await Connection.connect({ address: cluster.addresses[1] });
    clientA = new Client({ connection: connectionA, namespace: cluster.namespace });
    clientB = new Client({ connection: connectionB, namespace: cluster.namespace });

    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
    workerConnection = await NativeConnection.connect({ address: cluster.addresses[1] });
    const workerStarted = Date.now();
    worker = await Worker.create({
      connection: workerConnection,
      namespace: cluster.namespace,
      taskQueue,
      workflowsPath,
      activities,
      identity: WORKER_IDENTITY,
    });
    timings.workerBundled = seconds(Date.now() - workerStarted);
    workerRun = worker.run();
  });

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await workerRun?.catch(() => undefined);
    await workerConnection?.close();
    await connectionA?.close();
    await connectionB?.close();
    await cluster?.teardown();
    console.log('[cluster-smoke] timings', timings, 'logs were in', cluster?.logsDir);
  });

  it('forms one cluster: each node sees both nodes in every service ring', async () => {
    const expected = (key: 'frontend' | 'history' | 'matching' | 'worker') => cluster.ports.map((p) => `127.0.0.1:${p[key]}`).sort();
    for (const i of [0, 1]) {
      const rings = await cluster.rings(i);
      expect(rings).toEqual({
        frontend: expected('frontend'),
        history: expected('history'),
        matching: expected('matching'),
        worker: expected('worker'),
      });
    }
    const members = await cluster.members();
    expect(members).toHaveLength(8);
    expect(new Set(members.map((m) => m.port)).size).toBe(8);
    const info = await connectionB.workflowService.getClusterInfo({});
    expect(info.historyShardCount).toBe(4);
    expect(info.persistenceStore).toBe('postgres12');
    expect(info.visibilityStore).toBe('postgres12');
    expect(info.serverVersion).toBe('1.32.2');
  });

  it('runs a workflow started through node A on the worker connected to node B; the result reads through B', async () => {
    const workflowId = uniqueId('greet');
    await clientA.workflow.start(greet, { taskQueue, workflowId, args: ['cluster'] });
    const handleB = clientB.workflow.getHandle(workflowId);
    expect(await handleB.result()).toBe('Hello, CLUSTER!');

    const description = await handleB.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.taskQueue).toBe(taskQueue);

    const { events } = await handleB.fetchHistory();
    const EventType = temporal.api.enums.v1.EventType;
    const identities = (events ?? []).flatMap((e) => {
      if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) return [e.workflowTaskStartedEventAttributes?.identity];
      if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) return [e.activityTaskStartedEventAttributes?.identity];
      return [];
    });
    expect(identities.length).toBeGreaterThanOrEqual(3); // two workflow tasks and the activity
    expect(new Set(identities)).toEqual(new Set([WORKER_IDENTITY]));
  });

  it('serves update-with-start through node A', async () => {
    const workflowId = uniqueId('counter');
    const withStart = () => new WithStartWorkflowOperation(counter, { taskQueue, workflowId, workflowIdConflictPolicy: 'USE_EXISTING' });
    expect(await clientA.workflow.executeUpdateWithStart(addUpdate, { args: [5], startWorkflowOperation: withStart() })).toBe(5);
    const second = withStart();
    expect(await clientA.workflow.executeUpdateWithStart(addUpdate, { args: [3], startWorkflowOperation: second })).toBe(8);
    const handle = await second.workflowHandle();
    await clientB.workflow.getHandle(workflowId).signal(finishSignal, 'done');
    expect(await handle.result()).toBe(8);
  });

  it('makes a search attribute registered through node A usable through node B at once', async () => {
    const name = 'ClusterSmokeKeyword';
    await connectionA.operatorService.addSearchAttributes({
      namespace: cluster.namespace,
      searchAttributes: { [name]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    const listed = await connectionB.operatorService.listSearchAttributes({ namespace: cluster.namespace });
    expect(listed.customAttributes?.[name]).toBe(temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);

    const value = uniqueId('v');
    const workflowId = uniqueId('sa');
    const key = defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
    const handle = await clientB.workflow.start(greet, {
      taskQueue,
      workflowId,
      args: ['search'],
      typedSearchAttributes: new TypedSearchAttributes([{ key, value }]),
    });
    await handle.result();
    // Visibility is written asynchronously: poll the list query through node B for a while.
    const deadline = Date.now() + 20_000;
    let found: string[] = [];
    while (Date.now() < deadline) {
      found = [];
      for await (const execution of clientB.workflow.list({ query: `${name} = "${value}"` })) found.push(execution.workflowId);
      if (found.length) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(found).toEqual([workflowId]);
    expect((await handle.describe()).typedSearchAttributes.get(key)).toBe(value);
  });

  it('keeps a client on the failover address working when node A stops, then takes node A back', async () => {
    const failoverConnection = await Connection.connect({ address: cluster.failoverAddress });
    try {
      const failoverClient = new Client({ connection: failoverConnection, namespace: cluster.namespace });
      const waitingId = uniqueId('wait');
      const waiting = await failoverClient.workflow.start(waitForFinish, { taskQueue, workflowId: waitingId });
      expect((await failoverConnection.workflowService.getSystemInfo({})).serverVersion).toBe('1.32.2');
      const [addressA, addressB] = cluster.addresses;
      expect(cluster.failoverConnections()).toEqual({ [addressA]: 1, [addressB]: 0 });

      const stopStarted = Date.now();
      await cluster.stopNode(0);
      timings.nodeAStop = seconds(Date.now() - stopStarted);
      expect(cluster.isRunning(0)).toBe(false);
      // Node A really is gone: its own address refuses.
      await expect(connectionA.withDeadline(Date.now() + 3_000, () => connectionA.workflowService.getSystemInfo({}))).rejects.toThrow();

      const failoverStarted = Date.now();
      await waiting.signal(finishSignal, 'after failover');
      expect(await waiting.result()).toBe('after failover');
      expect(await failoverClient.workflow.execute(greet, { taskQueue, workflowId: uniqueId('greet-b'), args: ['node b'] })).toBe(
        'Hello, NODE B!',
      );
      timings.workAfterNodeAStopped = seconds(Date.now() - failoverStarted);
      // The client's connection to A was cut when A stopped; it reconnected through the proxy to B.
      expect(cluster.failoverConnections()[addressB]).toBeGreaterThanOrEqual(1);
      await cluster.waitForRings();
      expect((await cluster.rings(1)).history).toEqual([`127.0.0.1:${cluster.ports[1].history}`]);

      const restartStarted = Date.now();
      await cluster.startNode(0);
      await cluster.waitForRings();
      timings.nodeARestart = seconds(Date.now() - restartStarted);
      expect((await cluster.rings(0)).history).toHaveLength(2);
      // The old client of node A reconnects by itself.
      expect(await clientA.workflow.execute(greet, { taskQueue, workflowId: uniqueId('greet-a'), args: ['node a'] })).toBe(
        'Hello, NODE A!',
      );
    } finally {
      await failoverConnection.close();
    }
  });

  it('survives node A crashing (SIGKILL): its shards and task queues move to node B', async () => {
    const failoverConnection = await Connection.connect({ address: cluster.failoverAddress });
    try {
      const failoverClient = new Client({ connection: failoverConnection, namespace: cluster.namespace });
      // Enough workflows that node A owns some of their history shards (4 shards over 2 nodes).
      const waiting = await Promise.all(
        Array.from({ length: 8 }, () => failoverClient.workflow.start(waitForFinish, { taskQueue, workflowId: uniqueId('crash') })),
      );
      await cluster.stopNode(0, { force: true });
      const recoveryStarted = Date.now();
      await Promise.all(waiting.map((handle) => handle.signal(finishSignal, 'after crash')));
      expect(await Promise.all(waiting.map((handle) => handle.result()))).toEqual(Array(8).fill('after crash'));
      timings.workAfterNodeACrashed = seconds(Date.now() - recoveryStarted);
      await cluster.waitForRings(60_000);
      expect((await cluster.rings(1)).matching).toEqual([`127.0.0.1:${cluster.ports[1].matching}`]);
    } finally {
      await failoverConnection.close();
    }
  });
});
