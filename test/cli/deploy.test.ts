// The `switchyard` CLI as CI runs it: a child process against the real API served on a socket,
// over a sandbox worker on the real Temporal server. `deploy --wait` follows a release to the
// gate, `approve` completes it and deploy exits 0; a release the watched hold's analysis rolls
// back exits 1; a refusal is one line with the rule (exit 3); --output json parses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../../emulators/sandbox.js';
import { TEST_KEYS } from '../support/api.js';
import { cli, runCli, type CliRun } from '../support/cli-process.js';
import { serveApp, type ServedApp } from '../support/http-server.js';
import { sandboxSuite, type SandboxSuite } from '../support/sandbox-suite.js';

function served(suite: SandboxSuite) {
  let server: ServedApp | undefined;
  const runs: CliRun[] = [];
  beforeAll(async () => {
    server = await serveApp(suite.app.fetch);
  });
  afterAll(async () => {
    for (const run of runs) run.kill();
    await server?.close();
  });
  const env = (role: keyof typeof TEST_KEYS, extra: Record<string, string> = {}) => ({
    SWITCHYARD_URL: server!.url,
    SWITCHYARD_API_KEY: TEST_KEYS[role],
    ...extra,
  });
  /** Connects the sandbox repository and AWS account through the CLI; the connection ids. */
  const connect = async () => {
    const github = await cli(
      ['connect', 'github', `${SANDBOX_SERVICE.owner}/${SANDBOX_SERVICE.repo}`, '--branch', 'main', '--output', 'json'],
      env('deployer', { SWITCHYARD_GITHUB_TOKEN: SANDBOX_CREDENTIALS.githubToken }),
    );
    expect(github.code, github.stderr).toBe(0);
    const aws = await cli(
      ['connect', 'aws', '--region', SANDBOX_CREDENTIALS.region, '--output', 'json'],
      env('deployer', {
        AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.awsAccessKeyId,
        AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.awsSecretAccessKey,
      }),
    );
    expect(aws.code, aws.stderr).toBe(0);
    return {
      github: JSON.parse(github.stdout) as { githubConnectionId: string },
      aws: JSON.parse(aws.stdout) as { awsConnectionId: string },
    };
  };
  const start = (args: string[], role: keyof typeof TEST_KEYS = 'deployer') => {
    const run = runCli(args, env(role));
    runs.push(run);
    return run;
  };
  return { env, connect, start };
}

const codeDeployCount = (suite: SandboxSuite) => suite.worker.sandbox.aws.state.codedeploy.deployments.size;

describe('switchyard deploy, approve and watch', () => {
  const suite = sandboxSuite('cli-deploy');
  const api = served(suite);
  let connections: Awaited<ReturnType<typeof api.connect>>;
  beforeAll(async () => {
    connections = await api.connect();
  });

  it("follows a deployment to the gate, refuses a viewer's approval in one line, and exits 0 once approved", async () => {
    const { github, aws } = connections;
    expect(github.githubConnectionId).toMatch(/^gh_[a-z0-9]{10}$/);
    expect(aws.awsConnectionId).toMatch(/^aws_[a-z0-9]{10}$/);
    const { cluster, service } = suite.worker.sandbox.target;
    const deploy = api.start(['deploy', '--service', `${cluster}/${service}`, '--version', 'v1.2.3', '--wait']);
    const [, id] = await deploy.waitFor(/^(dep_[a-z0-9]{10})\s+started/m);
    await deploy.waitFor(/waiting at the gate: switchyard approve dep_/);
    // The live display: the stages as they passed, and the status line with the build's bar.
    expect(deploy.stdout).toMatch(/stage 1\/5\s+\[Stage 1\]/);
    expect(deploy.stdout).toMatch(/stage 4\/5 {2}build \[#{20}\] 100%.*waiting for approval/);

    // A viewer may not approve: one line naming the rule, exit 3, and the deployment still waits.
    const refused = await cli(['approve', id!], api.env('viewer'));
    expect(refused.code).toBe(3);
    expect(refused.stderr).toBe('switchyard: 403 Forbidden: This API key (role viewer) may not do this: role approver required\n');
    const waiting = await cli(['status', `${cluster}/${service}`, '--status', 'DEPLOYMENT_READY', '--output', 'json'], api.env('viewer'));
    expect(waiting.code, waiting.stderr).toBe(0);
    expect((JSON.parse(waiting.stdout) as { deployments: { deploymentId: string }[] }).deployments.map((d) => d.deploymentId)).toContain(
      id,
    );

    const approve = await cli(['approve', id!, '--reason', 'looks good'], api.env('approver'));
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain(`${id}:`);
    expect(await deploy.exited, deploy.stdout + deploy.stderr).toBe(0);
    expect(deploy.stdout).toMatch(new RegExp(`${id}\\s+COMPLETED\\s+stage 5/5`));
    expect(deploy.stdout).toMatch(/decided by test approver via api/);

    // --output json parses, and says the same.
    const watched = await cli(['watch', id!, '--output', 'json'], api.env('viewer'));
    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout)).toMatchObject({ deploymentId: id, status: 'COMPLETED', exitCode: 0, approvedBy: 'test approver' });
    const status = await cli(['status', `${cluster}/${service}`, '--output', 'json'], api.env('viewer'));
    expect(JSON.parse(status.stdout)).toMatchObject({ live: { deploymentId: id, status: 'COMPLETED', version: 'v1.2.3' } });
    const dora = await cli(['status', `${cluster}/${service}`, '--dora', '--output', 'json'], api.env('viewer'));
    expect(dora.code, dora.stderr).toBe(0);
    expect(JSON.parse(dora.stdout)).toMatchObject({
      service: `${cluster}/${service}`,
      services: [{ service: `${cluster}/${service}`, deploymentFrequency: { completed: 1 }, releases: { completed: 1 } }],
    });
  });

  it('refuses a deploy with no such connection (exit 2) or under a freeze (exit 3, one line with the rule), starting nothing', async () => {
    const { cluster, service } = suite.worker.sandbox.target;
    const before = codeDeployCount(suite);
    const noConnection = await cli(['deploy', '--aws-connection', 'aws_0000000000', '--output', 'json'], api.env('deployer'));
    expect(noConnection.code).toBe(2);
    expect(JSON.parse(noConnection.stdout)).toMatchObject({ error: { exitCode: 2, message: 'no AWS connection aws_0000000000' } });

    const set = await cli(
      ['freeze', 'set', `${cluster}/${service}`, '--reason', 'cli test', '--for', '1h', '--output', 'json'],
      api.env('admin'),
    );
    expect(set.code, set.stderr).toBe(0);
    const freeze = JSON.parse(set.stdout) as { id: string };
    const listed = await cli(['freeze', 'list', '--active', '--output', 'json'], api.env('viewer'));
    expect((JSON.parse(listed.stdout) as { active: { id: string }[] }).active.map((f) => f.id)).toContain(freeze.id);
    const frozen = await cli(['deploy', '--service', `${cluster}/${service}`, '--version', 'v1.2.3'], api.env('deployer'));
    expect(frozen.code).toBe(3);
    expect(frozen.stderr.trim().split('\n')).toHaveLength(1);
    expect(frozen.stderr).toMatch(new RegExp(`^switchyard: 423 Deployment Error: .*cli test.*\\[freeze ${freeze.id} until `));
    const lifted = await cli(['freeze', 'lift', freeze.id], api.env('admin'));
    expect(lifted.code, lifted.stderr).toBe(0);
    expect(codeDeployCount(suite)).toBe(before);
  });
});

describe('switchyard deploy when the analysis rolls the release back', () => {
  // Green is watched at the gate; the sandbox's probes take 20 ms, so a 1 ms p95 ceiling is
  // breached in every window: the analysis rolls the release back by itself after two.
  const policies = { default: { watch: { intervalSeconds: 1, maxErrorRate: 0.5, maxP95Ms: 1, windows: 2 } } };
  const suite = sandboxSuite('cli-rollback', { env: { DEPLOY_APPROVAL_POLICIES: JSON.stringify(policies) } });
  const api = served(suite);

  it('exits 1 with the ROLLED_BACK result as JSON', async () => {
    await api.connect();
    const deploy = api.start(['deploy', '--version', 'v1.2.3', '--output', 'json']);
    const code = await deploy.exited;
    expect(code, deploy.stdout + deploy.stderr).toBe(1);
    const result = JSON.parse(deploy.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ status: 'ROLLED_BACK', exitCode: 1, decidedVia: 'workflow' });
    expect(String(result['errorMessage'])).toMatch(/analysis: green p95 \d+ ms > 1 ms for 2 window\(s\) in a row/);
  });
});
