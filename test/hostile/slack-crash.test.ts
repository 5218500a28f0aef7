// A crash between Slack's request and its work: the production API entry in a process of its own
// (on this run's Temporal server, the in-process sandbox worker and emulators) acknowledges a
// signed /platform-deploy and is SIGKILLed the moment the 200 arrives. The deployment the ack
// names exists in Temporal and runs to the gate without that process: nothing was left to it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signSlackRequest } from '../../api/slack/signature.js';
import { SANDBOX_SLACK } from '../../emulators/sandbox.js';
import { BENCH_SLACK_SIGNING_SECRET, startApiProcess, type ApiProcess } from '../../bench/processes.js';
import { deploymentSnapshotQuery } from '../../workflows/deployment/messages.js';
import { connectClient, startSandboxWorker, uniqueTaskQueue, type SandboxWorker } from '../support/temporal.js';

describe('hostile: the API dies right after acknowledging a Slack deploy', () => {
  const taskQueue = uniqueTaskQueue('slack-crash');
  let temporal: Awaited<ReturnType<typeof connectClient>>;
  let worker: SandboxWorker;
  let api: ApiProcess;

  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startSandboxWorker(taskQueue);
    // The worker's data folder: the connections the API stores for Slack's defaults are the worker's too.
    api = await startApiProcess(
      { sandbox: worker.sandbox, temporalAddress: inject('temporalAddress'), pollMs: 100 },
      taskQueue,
      `crash-admin-${randomBytes(8).toString('hex')}`,
      {
        SWITCHYARD_DATA_DIR: worker.config.dataDir,
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      },
    );
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await temporal?.close();
  });

  it('loses nothing: the acknowledged deployment runs on to the gate after a SIGKILL at the ack', async () => {
    const body = new URLSearchParams({
      token: 'unused',
      team_id: 'T0SANDBOX',
      channel_id: SANDBOX_SLACK.channelId,
      user_id: SANDBOX_SLACK.approver,
      user_name: 'crash-test',
      command: '/platform-deploy',
      text: 'v1.2.3',
      response_url: 'http://127.0.0.1:9/unused',
      trigger_id: `${Date.now()}.crash.${randomBytes(4).toString('hex')}`,
    }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${api.url}/slack/commands`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlackRequest(BENCH_SLACK_SIGNING_SECRET, timestamp, body),
      },
    });
    const ack = (await res.json()) as { text: string };
    api.child.kill('SIGKILL');
    expect(res.status).toBe(200);
    const id = ack.text.match(/dep_[a-z0-9]{10}/)?.[0];
    expect(id, ack.text).toBeDefined();

    const handle = temporal.client.workflow.getHandle(id!);
    await expect
      .poll(async () => (await handle.query(deploymentSnapshotQuery).catch(() => undefined))?.status, { timeout: 30_000, interval: 200 })
      .toBe('DEPLOYMENT_READY');
    expect(worker.sandbox.github.state.dispatchCount(id!)).toBe(1);
    await handle.terminate('test finished');
  }, 90_000);
});
