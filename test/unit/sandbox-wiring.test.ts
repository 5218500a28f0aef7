// The sandbox reaches the production API and worker code only as configuration and injected
// services (emulators/wiring/): its endpoints and seeded target fill what was not configured,
// and whatever was configured explicitly wins. Against a real (local) sandbox.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiServices } from '../../api/services.js';
import { loadConfig } from '../../common/config/config.js';
import { SANDBOX_SLACK, startSandbox, type Sandbox } from '../../emulators/sandbox.js';
import { sandboxApiConfig, sandboxApiServices, sandboxConfig, sandboxWorkerServices } from '../../emulators/wiring/services.js';

describe('sandbox wiring', () => {
  let sandbox: Sandbox;
  const config = (env: Record<string, string> = {}) =>
    loadConfig({ SWITCHYARD_SANDBOX: 'true', SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'switchyard-wiring-')), ...env });
  beforeAll(async () => {
    sandbox = await startSandbox({ serviceName: 'wiring-svc' });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('points the configuration at the emulators and the seeded service, with the sandbox Slack', () => {
    const wired = sandboxConfig(config(), sandbox);
    expect(wired.deploy.githubApiUrl).toBe(sandbox.githubApiUrl);
    expect(wired.deploy.awsEndpoint).toBe(sandbox.awsEndpoint);
    expect(wired.deploy.target).toMatchObject({ cluster: sandbox.target.cluster, service: 'wiring-svc', blueUrl: sandbox.target.blueUrl });
    expect(wired.slack).toMatchObject({
      signingSecret: SANDBOX_SLACK.signingSecret,
      botToken: SANDBOX_SLACK.botToken,
      apiUrl: sandbox.slack.apiUrl,
    });
  });

  it('keeps what was configured explicitly over the sandbox defaults', () => {
    const wired = sandboxConfig(config({ DEPLOY_SERVICE: 'mine', SLACK_SIGNING_SECRET: 'a-signing-secret-of-my-own' }), sandbox);
    expect(wired.deploy.target.service).toBe('mine');
    expect(wired.deploy.target.cluster).toBe(sandbox.target.cluster);
    expect(wired.slack.signingSecret).toBe('a-signing-secret-of-my-own');
  });

  it('gives the API the sandbox as defaults and base credentials, and the production path none of it', async () => {
    const plain = config();
    const services = sandboxApiServices(plain, sandbox);
    expect(services.deploy.githubApiUrl).toBe(sandbox.githubApiUrl);
    expect(services.deploy.defaults.target).toMatchObject({ service: 'wiring-svc' });
    expect(await services.deploy.baseAwsCredentials?.()).toMatchObject({ accessKeyId: expect.stringMatching(/^AKIA/) });
    // The production API: nothing of the sandbox, whatever SWITCHYARD_SANDBOX says.
    const production = apiServices(plain);
    expect(production.deploy.githubApiUrl).toBe('https://api.github.com');
    expect(production.deploy.baseAwsCredentials).toBeUndefined();
    expect(production.deploy.defaults.target.service).toBeUndefined();
    // Slack's slash commands get the stored sandbox connections as their defaults.
    const withDefaults = await sandboxApiConfig(plain, sandbox, services.connections);
    const stored = await services.connections.list();
    expect(stored.map((c) => c.id).sort()).toEqual(
      [withDefaults.slack.defaults.githubConnectionId, withDefaults.slack.defaults.awsConnectionId].sort(),
    );
    await services.connections.close();
    await production.connections.close();
  });

  it("gives the worker the emulators' endpoints, the sandbox Slack channel and an adapter per channel", async () => {
    const services = sandboxWorkerServices(config(), sandbox);
    expect(services.deployEndpoints.awsEndpoint).toBe(sandbox.awsEndpoint);
    expect(services.slack.channelId).toBe(SANDBOX_SLACK.channelId);
    expect(Object.keys(services.channels.adapters).sort()).toEqual([
      'GENIE_TV',
      'INSTAGRAM',
      'KAKAO_CHANNEL',
      'NAVER_BLOG',
      'RINGO_BIZ',
      'WOORIDONGNE_TV',
    ]);
    await services.connections.close();
  });
});
