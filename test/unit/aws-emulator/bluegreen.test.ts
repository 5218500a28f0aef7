import { ContinueDeploymentCommand, CreateDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blueGreenUrls } from '../../../emulators/aws/server.js';
import type { RunningAwsEmulator } from '../../../emulators/aws/server.js';
import { appSpec, clients, registerRevision, revision, seedPanda, startEmulator, waitForDeployment } from './support.js';
import type { Clients } from './support.js';

let emulator: RunningAwsEmulator;
let c: Clients;
beforeAll(async () => {
  emulator = await startEmulator();
  c = clients(emulator.url);
});
afterAll(async () => {
  await emulator.close();
});

const probe = async (base: string) => {
  const res = await fetch(`${base}/health`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function deployToReady(tag: string) {
  const seeded = seedPanda(emulator);
  const greenTaskDefinition = await registerRevision(c, seeded.options, `${seeded.result.repositoryUri}:${tag}`);
  const { deploymentId } = await c.codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: seeded.options.application,
      deploymentGroupName: seeded.options.deploymentGroup,
      revision: revision(appSpec(greenTaskDefinition, seeded.options)),
    }),
  );
  await waitForDeployment(c, deploymentId!, ['Ready']);
  return {
    ...seeded,
    deploymentId: deploymentId!,
    greenTaskDefinition,
    urls: blueGreenUrls(emulator.url, seeded.options.cluster, seeded.options.service),
  };
}

describe('blue/green health endpoints', () => {
  it('blueGreenUrls builds the base URLs under /bluegreen', () => {
    expect(blueGreenUrls('http://127.0.0.1:4566/', 'panda-cluster', 'panda-service')).toEqual({
      blueUrl: 'http://127.0.0.1:4566/bluegreen/panda-cluster/panda-service/blue',
      greenUrl: 'http://127.0.0.1:4566/bluegreen/panda-cluster/panda-service/green',
    });
  });

  it('blue serves the production task definition; green is 404 until a deployment creates it', async () => {
    const { options, result } = seedPanda(emulator);
    const { blueUrl, greenUrl } = blueGreenUrls(emulator.url, options.cluster, options.service);
    expect(await probe(blueUrl)).toEqual({
      status: 200,
      body: {
        color: 'blue',
        taskDefinition: result.taskDefinitionArn,
        image: `${result.repositoryUri}:initial`,
        trafficWeight: 100,
        status: 'UP',
      },
    });
    expect((await probe(greenUrl)).status).toBe(404);
    expect((await probe(`${emulator.url}/bluegreen/${options.cluster}/no-such-service/blue`)).status).toBe(404);
  });

  it('at Ready green serves the new task definition; after the switch blue does and green is gone', async () => {
    const { deploymentId, greenTaskDefinition, result, urls } = await deployToReady('v2');
    expect(await probe(urls.greenUrl)).toMatchObject({
      status: 200,
      body: { color: 'green', taskDefinition: greenTaskDefinition, image: `${result.repositoryUri}:v2` },
    });
    expect((await probe(urls.blueUrl)).body.taskDefinition).toBe(result.taskDefinitionArn);

    await c.codedeploy.send(new ContinueDeploymentCommand({ deploymentId }));
    await waitForDeployment(c, deploymentId, ['Succeeded']);
    expect((await probe(urls.blueUrl)).body.taskDefinition).toBe(greenTaskDefinition);
    expect((await probe(urls.greenUrl)).status).toBe(404);
  });

  it('test value: a green image whose tag contains "unhealthy" answers 500 while blue stays healthy', async () => {
    const { deploymentId, urls } = await deployToReady('build-unhealthy-1');
    const green = await probe(urls.greenUrl);
    expect(green.status).toBe(500);
    expect(green.body).toMatchObject({ color: 'green', status: 'UNHEALTHY' });
    expect(String(green.body.image)).toContain('unhealthy');
    expect((await probe(urls.blueUrl)).status).toBe(200);
    await c.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
    expect((await probe(urls.greenUrl)).status).toBe(404);
  });

  it('GET /_emulator/aws/state summarises services, deployments and counters', async () => {
    const res = await fetch(`${emulator.url}/_emulator/aws/state`);
    const summary = (await res.json()) as {
      ecs: { services: unknown[] };
      codedeploy: { deployments: unknown[] };
      counters: Record<string, unknown>;
    };
    expect(res.status).toBe(200);
    expect(summary.ecs.services.length).toBeGreaterThan(0);
    expect(summary.codedeploy.deployments.length).toBeGreaterThan(0);
    expect(Object.keys(summary.counters)).toEqual([
      'ecrPushes',
      'taskDefinitionRevisions',
      'deploymentsCreated',
      'continueDeploymentCalls',
      'stopDeploymentCalls',
      'hookStatusReports',
      'hookStatusAccepted',
      'serviceDeploymentsStarted',
      'continueServiceDeploymentCalls',
    ]);
  });
});
