// `switchyard deploy`: starts a release and, unless --no-wait, follows it to its end: 0 when it
// COMPLETED, 1 when it FAILED or was ROLLED_BACK. The GitHub and AWS connections are the ones
// named, else the only one there is (a GitHub one picked by --repo when there are several).
import type { Command } from 'commander';
import { unwrap, type Schemas } from '../client.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../exit-codes.js';
import { followDeployment } from '../follow-deployment.js';
import { examples, type Bind } from '../command-kit.js';

type Connections = Schemas['Connections'];

/** `cluster/service` or `service` as the request's target. */
export function targetOf(service: string | undefined): Schemas['DeployTarget'] | undefined {
  if (service === undefined) return undefined;
  const parts = service.split('/');
  if (parts.length === 1 && parts[0]) return { service: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { cluster: parts[0], service: parts[1] };
  throw usageError(`--service takes cluster/service or service, got ${service}`);
}

/** The connections a deploy uses: named ones, else the only candidate, else a usage error naming the choices. */
export function pickConnections(all: Connections, options: { repo?: string; github?: string; aws?: string }) {
  let github = all.github;
  if (options.github) github = github.filter((c) => c.connectionId === options.github);
  else if (options.repo) github = github.filter((c) => `${c.owner}/${c.repo}` === options.repo);
  const aws = options.aws ? all.aws.filter((c) => c.connectionId === options.aws) : all.aws;
  const list = (items: string[]) => items.slice(0, 10).join(', ');
  if (github.length === 0) {
    throw usageError(
      options.github || options.repo
        ? `no GitHub connection ${options.github ?? `for ${options.repo}`}: run switchyard connect github`
        : 'no GitHub connection: run switchyard connect github OWNER/REPO',
    );
  }
  if (github.length > 1)
    throw usageError(
      `several GitHub connections; choose one with --repo or --github-connection: ${list(github.map((c) => `${c.connectionId} (${c.owner}/${c.repo})`))}`,
    );
  if (aws.length === 0)
    throw usageError(options.aws ? `no AWS connection ${options.aws}` : 'no AWS connection: run switchyard connect aws');
  if (aws.length > 1)
    throw usageError(
      `several AWS connections; choose one with --aws-connection: ${list(aws.map((c) => `${c.connectionId} (${c.region}${c.roleArn ? ` ${c.roleArn}` : ''})`))}`,
    );
  return { github: github[0]!, aws: aws[0]! };
}

export async function startDeployment(ctx: CommandContext, options: Record<string, unknown>) {
  const str = (key: string) => (typeof options[key] === 'string' ? options[key] : undefined);
  // Arguments first: a wrong one is a usage error before any request.
  const target = targetOf(str('service'));
  const connections = (await unwrap(ctx.api.GET('/api/v1/connections'), ctx.url)).data.data;
  const { github, aws } = pickConnections(connections, { repo: str('repo'), github: str('githubConnection'), aws: str('awsConnection') });
  const builder = str('builder') as Schemas['DeployRequest']['builder'];
  const body: Schemas['DeployRequest'] = {
    githubConnectionId: github.connectionId,
    awsConnectionId: aws.connectionId,
    owner: github.owner,
    repo: github.repo,
    branch: str('branch') ?? github.branch,
    ...(str('version') ? { version: str('version') } : {}),
    ...(target ? { target } : {}),
    ...(builder ? { builder } : {}),
  };
  const { data, status } = await unwrap(ctx.api.POST('/api/v1/deploy', { body }), ctx.url);
  return { ...data.data, accepted: status, request: body };
}

export function registerDeploy(program: Command, bind: Bind): void {
  examples(
    program
      .command('deploy')
      .description('Start a release and follow it: exits 0 when it completes, 1 when it fails or is rolled back')
      .option('--service <cluster/service>', "the ECS service to deploy to (default: the server's)")
      .option('--version <tag-or-sha>', 'a tag, or a commit SHA of 7+ characters (default: the branch head)')
      .option('--repo <owner/repo>', 'the repository, when there are several GitHub connections')
      .option('--branch <branch>', "the branch (default: the connection's)")
      .option('--github-connection <id>', 'the GitHub connection (gh_…)')
      .option('--aws-connection <id>', 'the AWS connection (aws_…)')
      .option('--builder <builder>', 'github-actions or docker')
      .option('--wait', 'follow the release to its end (the default)')
      .option('--no-wait', 'print the deployment id and exit 0 once it is accepted'),
    'switchyard deploy --service prod/api --version $SHA --wait',
    'switchyard deploy --repo my-org/api --version v1.2.3 --no-wait --output json',
  ).action(
    bind(async (ctx, _args, options) => {
      const started = await startDeployment(ctx, options);
      const line = `${started.deploymentId}  ${started.queued ? `queued (position ${started.position} behind ${started.runningDeploymentId})` : 'started'}  ${started.request.owner}/${started.request.repo}@${started.request.version ?? started.request.branch}`;
      if (options['wait'] === false) {
        ctx.out.result(
          {
            deploymentId: started.deploymentId,
            message: started.message,
            queued: started.queued ?? false,
            position: started.position ?? null,
          },
          () => [line],
        );
        return;
      }
      ctx.out.line(line);
      if (started.queued) ctx.out.note(`queued behind ${started.runningDeploymentId}: following ${started.deploymentId} once it starts`);
      return followDeployment(ctx, started.deploymentId, { queued: started.queued === true });
    }),
  );
}
