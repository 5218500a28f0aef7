// Records one history of each workflow into test/histories/*.json, for the replay test that
// guards every future change against breaking workflows already running (a change that fails it
// needs `patched()`). Run by hand when adding a workflow: `node --import tsx test/histories/record.ts
// [name …]` records the named fixtures only (all without names). Never re-record a fixture of a
// workflow that may be running somewhere: the old recording is what proves the new code replays it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { sandboxApiServices, sandboxSlackServices, sandboxWorkerServices } from '../../emulators/wiring/services.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities/index.js';
import { createApp } from '../../api/app.js';
import { ApiKeyRing } from '../../api/auth.js';
import { loadConfig } from '../../common/config/config.js';
import { createLogger } from '../../common/logger.js';
import { SEARCH_ATTRIBUTES } from '../../common/search-attributes.js';
import { findTemporalCli } from '../../scripts/temporal-binaries.mjs';
import { connectSandboxHook, SANDBOX_HOOK_FUNCTION, SANDBOX_SERVICE, SANDBOX_SLACK, startSandbox } from '../../emulators/sandbox.js';
import { freezesWorkflowId } from '../../workflows/freeze/workflow.js';
import { serviceWorkflowId } from '../../workflows/service/service-key.js';
import { serviceDeploymentsQuery } from '../../workflows/service/messages.js';
import { buildActivityDeps } from '../../worker/activity-deps.js';
import { createSwitchyardWorker } from '../../worker/worker.js';
import { client as apiClient } from '../support/deploy-flow.js';
import { serveApp } from '../support/http-server.js';
import { installQuietRuntime } from '../support/quiet-runtime.js';
import { keyEntry } from '../../common/keys/api-keys.js';

const KEY = 'record-histories-admin-key';
installQuietRuntime();
const env = await TestWorkflowEnvironment.createLocal({
  server: { executable: { type: 'existing-path', path: findTemporalCli()!.path }, searchAttributes: SEARCH_ATTRIBUTES },
});
const taskQueue = 'record';
// A queue of 1 behind a running deployment (the held-queue fixture); the others queue nothing.
const config = loadConfig({ SWITCHYARD_SANDBOX: 'true', TEMPORAL_TASK_QUEUE: taskQueue, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'record-')), DEPLOY_POLL_MS: '100', DEPLOY_QUEUE_CAPACITY: '1' });
const sandbox = await startSandbox({ stepMs: 40, hookFunction: SANDBOX_HOOK_FUNCTION });
const worker = await createSwitchyardWorker({
  connection: env.nativeConnection, namespace: 'default', taskQueue,
  activities: createActivities(buildActivityDeps(config, sandboxWorkerServices(config, sandbox), 'recorder')),
});
const running = worker.run();
const services = sandboxApiServices(config, sandbox);
const app = createApp({
  client: env.client, temporalAddress: env.address, taskQueue, keys: new ApiKeyRing([keyEntry('recorder', 'admin', KEY)]),
  logger: createLogger('silent'), sandbox: true, version: 'record',
  distribution: { retryWindowMs: 1000, retryBackoffMs: 100, syncWaitMs: 10_000 }, eventPollIntervalMs: 100,
  ...services,
  // The hook route: the sandbox CodeDeploy's AfterAllowTestTraffic Lambda reaches the workflow through it.
  slack: await sandboxSlackServices(config, sandbox, services.connections),
});
// test/support/deploy-flow.ts authenticates with the test keys; this app knows only KEY.
const request = (path: string, init: RequestInit = {}) => app.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${KEY}` } });
const api = apiClient({ request } as unknown as Parameters<typeof apiClient>[0]);

const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);
const save = async (name: string, workflowId: string) => {
  const handle = env.client.workflow.getHandle(workflowId);
  await handle.result().catch(() => undefined);
  // The history is a protobufjs message: its toJSON() is the JSON form Worker.runReplayHistory reads back.
  writeFileSync(new URL(`./${name}.json`, import.meta.url), JSON.stringify(await handle.fetchHistory()));
  console.log(`recorded ${name} (${workflowId})`);
};

const served = await serveApp(app.fetch);
// The sandbox CodeDeploy calls the real hook Lambda, which forwards to this app over HTTP.
connectSandboxHook(sandbox, `${served.url}/api/v1/hooks/codedeploy`, SANDBOX_SLACK.hookSecret);

try {
  if (wanted('worker-probe')) {
    await env.client.workflow.execute('workerProbeWorkflow', { taskQueue, workflowId: 'record-probe' });
    await save('worker-probe', 'record-probe');
  }

  if (wanted('distribution')) {
    await request('/api/distribution/distribute', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({
      eventId: 'evt-record', contentUrls: { instagram: 'https://cdn.example.com/i.jpg', kakaoChannel: 'https://cdn.example.com/k.jpg' },
      channels: [{ type: 'INSTAGRAM', config: { caption: 'recorded' } }, { type: 'KAKAO_CHANNEL', config: { text: '#fail-once' } }],
    }) });
    await save('distribution', 'dist-evt-record');
  }

  // Six channels on the newer path ('distribution-one-activity'): each partner channel prepares and
  // publishes in one activity per attempt (KAKAO_CHANNEL fails once, so its second attempt reuses
  // the draft named in the failure), Instagram in two; a 1 ms window passed by the webhook's answer
  // closes the run in that same task, with no timer.
  if (wanted('distribution-one-activity')) {
    const workflowId = 'dist-evt-record-one-activity';
    await env.client.workflow.execute('distributionWorkflow', { taskQueue, workflowId, args: [{
      eventId: 'evt-record-one-activity', contentUrls: Object.fromEntries(['wooridongneTV', 'ringoBiz', 'genieTV', 'instagram', 'naverBlog', 'kakaoChannel'].map((k) => [k, `https://cdn.example.com/${k}.jpg`])),
      channels: ['WOORIDONGNE_TV', 'RINGO_BIZ', 'GENIE_TV', 'INSTAGRAM', 'NAVER_BLOG', 'KAKAO_CHANNEL'].map((type) => ({ type, config: { caption: type === 'KAKAO_CHANNEL' ? 'recorded #fail-once' : 'recorded' } })),
      retryWindowMs: 1, retryBackoffMs: 100, requestedBy: 'recorder',
    }] });
    await save('distribution-one-activity', workflowId);
  }

  // A distribution whose settle continues as new (a limit of 10 events, so the first settle does):
  // the run that continues ('distribution-continuing', with the patch marker) and the run it
  // continued as ('distribution-continued', started with the carried state), closing after its window.
  const continuedNames = ['distribution-continuing', 'distribution-continued'].filter(wanted);
  if (continuedNames.length > 0) {
    const workflowId = 'dist-evt-record-continued';
    const first = await env.client.workflow.start('distributionWorkflow', { taskQueue, workflowId, args: [{
      eventId: 'evt-record-continued', contentUrls: { kakaoChannel: 'https://cdn.example.com/k.jpg' },
      channels: [{ type: 'KAKAO_CHANNEL', config: { text: 'recorded' } }],
      retryWindowMs: 1000, retryBackoffMs: 100, requestedBy: 'recorder', continueAsNewAfterEvents: 10,
    }] });
    await env.client.workflow.getHandle(workflowId).result();
    if (continuedNames.includes('distribution-continuing')) {
      writeFileSync(new URL('./distribution-continuing.json', import.meta.url), JSON.stringify(await env.client.workflow.getHandle(workflowId, first.firstExecutionRunId).fetchHistory()));
      console.log(`recorded distribution-continuing (${workflowId})`);
    }
    if (continuedNames.includes('distribution-continued')) await save('distribution-continued', workflowId);
  }

  // The freezes workflow never ends: recorded while open, after a freeze was set and lifted.
  if (wanted('freezes')) {
    const set = await request('/api/v1/freezes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scope: 'all', reason: 'recorded', endsAt: new Date(Date.now() + 3_600_000).toISOString() }) });
    const { data } = await set.json() as { data: { id: string } };
    await request(`/api/v1/freezes/${data.id}`, { method: 'DELETE' });
    const workflowId = freezesWorkflowId(taskQueue);
    writeFileSync(new URL('./freezes.json', import.meta.url), JSON.stringify(await env.client.workflow.getHandle(workflowId).fetchHistory()));
    console.log(`recorded freezes (${workflowId})`);
  }

  // One deployment, switched: its own history ('deployment', before the hook moved into the
  // workflow; 'deployment-hook', with the testTrafficHook update; 'deployment-notice', whose
  // "waiting for test" notice is rewritten with the decision; 'deployment-merged', with the
  // search attributes merged into one upsert per stage change and progress batched) and its
  // service's admission run.
  const deploymentNames = ['deployment', 'deployment-hook', 'deployment-notice', 'deployment-merged', 'service-deployments'].filter(wanted);
  if (deploymentNames.length > 0) {
    const connection = await api.connect();
    const id = (await api.deploy(connection, { version: 'v1.2.3' })).body.data.deploymentId as string;
    while ((await api.result(id)).body.data?.status !== 'DEPLOYMENT_READY') await new Promise((r) => setTimeout(r, 200));
    await request(`/api/v1/deploy/${id}/switch`, { method: 'POST' });
    for (const name of deploymentNames.filter((n) => n !== 'service-deployments')) await save(name, id);
    if (deploymentNames.includes('service-deployments')) await save('service-deployments', serviceWorkflowId(`${SANDBOX_SERVICE.cluster}/${SANDBOX_SERVICE.service}`));
  }

  // A queue held by a freeze ('service-deployments-held': the admission run reads the freeze before
  // each start, holds the queued deployment while it is in force and starts it when lifted) and
  // the deployment it then started ('deployment-governed': commit and digest recorded, the freeze
  // read again before CodeDeploy).
  const heldNames = ['service-deployments-held', 'deployment-governed'].filter(wanted);
  if (heldNames.length > 0) {
    const json = { 'content-type': 'application/json' };
    const connection = await api.connect();
    const running = (await api.deploy(connection, { version: 'v1.0.0' })).body.data.deploymentId as string;
    while ((await api.result(running)).body.data?.status !== 'DEPLOYMENT_READY') await new Promise((r) => setTimeout(r, 200));
    const queued = (await api.deploy(connection, { version: 'v1.2.3' })).body.data.deploymentId as string;
    const set = await request('/api/v1/freezes', { method: 'POST', headers: json, body: JSON.stringify({ scope: 'all', reason: 'recorded hold', endsAt: new Date(Date.now() + 3_600_000).toISOString() }) });
    const { data: freeze } = await set.json() as { data: { id: string } };
    await request(`/api/v1/deploy/${running}/rollback`, { method: 'POST' });
    const admission = env.client.workflow.getHandle(serviceWorkflowId(`${SANDBOX_SERVICE.cluster}/${SANDBOX_SERVICE.service}`));
    while ((await admission.query(serviceDeploymentsQuery)).heldBy !== freeze.id) await new Promise((r) => setTimeout(r, 200));
    await request(`/api/v1/freezes/${freeze.id}`, { method: 'DELETE' });
    while ((await api.result(queued)).body.data?.status !== 'DEPLOYMENT_READY') await new Promise((r) => setTimeout(r, 200));
    await request(`/api/v1/deploy/${queued}/switch`, { method: 'POST' });
    if (heldNames.includes('deployment-governed')) await save('deployment-governed', queued);
    if (heldNames.includes('service-deployments-held')) await save('service-deployments-held', admission.workflowId);
  }
} finally {
  await served.close();
  worker.shutdown();
  await running;
  await sandbox.close();
  await env.teardown();
}
