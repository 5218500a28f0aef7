// `switchyard connect github|aws`: stores a GitHub token or AWS credentials with the server
// (validated there, kept encrypted) and prints the connection id deploys use. Secrets come from
// the environment or standard input, never from arguments.
import type { Command } from 'commander';
import { unwrap, type Schemas } from '../client.js';
import { usageError } from '../exit-codes.js';
import { examples, type Bind } from '../command-kit.js';

export function registerConnect(program: Command, bind: Bind): void {
  const connect = program.command('connect').description('Connect a GitHub repository or an AWS account');
  examples(
    connect
      .command('github')
      .description('Connect a GitHub repository (token from SWITCHYARD_GITHUB_TOKEN, GITHUB_TOKEN or --token-stdin)')
      .argument('<owner/repo>', 'the repository')
      .option('--branch <branch>', 'the branch deploys build by default', 'main')
      .option('--token-stdin', 'read the token from standard input'),
    'GITHUB_TOKEN=ghp_… switchyard connect github my-org/api --branch main',
  ).action(
    bind(async (ctx, [repository], options) => {
      const [owner, repo, extra] = (repository ?? '').split('/');
      if (!owner || !repo || extra !== undefined) throw usageError(`expected owner/repo, got ${repository}`);
      const env = ctx.io.env;
      const token = (
        options['tokenStdin'] ? await ctx.io.readStdin() : (env['SWITCHYARD_GITHUB_TOKEN'] ?? env['GITHUB_TOKEN'] ?? '')
      ).trim();
      if (!token) throw usageError('no GitHub token: set SWITCHYARD_GITHUB_TOKEN (or GITHUB_TOKEN), or pipe it in with --token-stdin');
      const body: Schemas['ConnectGitHubRequest'] = { owner, repo, branch: String(options['branch']), token };
      const id = (await unwrap(ctx.api.POST('/api/v1/connect/github', { body }), ctx.url)).data.data.githubConnectionId;
      ctx.out.result({ githubConnectionId: id, owner, repo, branch: body.branch }, () => [`${id}  ${owner}/${repo}@${body.branch}`]);
    }),
  );
  examples(
    connect
      .command('aws')
      .description('Connect an AWS account: keys from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN], or --role-arn')
      .requiredOption('--region <region>', 'the AWS region, e.g. us-east-1')
      .option('--role-arn <arn>', "assume this IAM role from the worker's credentials instead of storing keys")
      .option('--external-id <id>', "the role's ExternalId"),
    'AWS_ACCESS_KEY_ID=AKIA… AWS_SECRET_ACCESS_KEY=… switchyard connect aws --region us-east-1',
    'switchyard connect aws --region us-east-1 --role-arn arn:aws:iam::123456789012:role/switchyard',
  ).action(
    bind(async (ctx, _args, options) => {
      const region = String(options['region']);
      const env = ctx.io.env;
      let body: Schemas['ConnectAwsRequest'];
      if (options['roleArn']) {
        body = {
          region,
          roleArn: String(options['roleArn']),
          ...(options['externalId'] ? { externalId: String(options['externalId']) } : {}),
        };
      } else {
        const accessKeyId = env['AWS_ACCESS_KEY_ID'];
        const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
        if (!accessKeyId || !secretAccessKey)
          throw usageError('no AWS keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give --role-arn');
        body = { region, accessKeyId, secretAccessKey, ...(env['AWS_SESSION_TOKEN'] ? { sessionToken: env['AWS_SESSION_TOKEN'] } : {}) };
      }
      const id = (await unwrap(ctx.api.POST('/api/v1/connect/aws', { body }), ctx.url)).data.data.awsConnectionId;
      ctx.out.result({ awsConnectionId: id, region }, () => [
        `${id}  ${region}${options['roleArn'] ? `  ${String(options['roleArn'])}` : ''}`,
      ]);
    }),
  );
}
