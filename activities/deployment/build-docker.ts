// The docker builder: `docker build` from the repository's git URL and `docker push` to ECR, where a
// Docker engine is reachable.
import { spawn } from 'node:child_process';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { Context } from '@temporalio/activity';
import type { BuildInput, BuildResult } from './build.js';
import type { DeployClients } from './clients.js';
import { permanent } from './errors.js';

export async function dockerBuild(clients: DeployClients, input: BuildInput): Promise<BuildResult> {
  const aws = await clients.aws(input.awsConnectionId);
  const registry = `${aws.accountId}.dkr.ecr.${aws.region}.amazonaws.com`;
  const image = `${registry}/${input.ecrRepository}:${input.imageTag}`;
  if ((await run('docker', ['info'])).code !== 0) {
    throw permanent(
      'DOCKER_BUILD_FAILED',
      'The docker builder needs a reachable Docker engine; none answered `docker info` (use the github-actions builder)',
    );
  }
  const auth = await aws.ecr.send(new GetAuthorizationTokenCommand({}));
  const [user, password] = Buffer.from(auth.authorizationData?.[0]?.authorizationToken ?? '', 'base64')
    .toString()
    .split(':');
  if ((await run('docker', ['login', '--username', user ?? 'AWS', '--password-stdin', registry], password)).code !== 0)
    throw permanent('DOCKER_BUILD_FAILED', 'docker login to ECR failed');
  const context = `https://github.com/${input.owner}/${input.repo}.git#${input.sha}`;
  const built = await run('docker', ['build', '-t', image, context]);
  if (built.code !== 0) throw permanent('DOCKER_BUILD_FAILED', `Docker build failed: ${built.tail}`);
  const pushed = await run('docker', ['push', image]);
  if (pushed.code !== 0) throw permanent('DOCKER_BUILD_FAILED', `docker push failed: ${pushed.tail}`);
  return { imageTag: input.imageTag };
}

/** Runs a command with a heartbeat every few seconds; returns its exit code and last output. */
function run(command: string, args: string[], stdin?: string): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-500);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const beat = setInterval(() => Context.current().heartbeat(), 5000);
    child.once('error', () => {
      clearInterval(beat);
      resolve({ code: 127, tail: `${command} not found` });
    });
    child.once('close', (code) => {
      clearInterval(beat);
      resolve({ code: code ?? 1, tail });
    });
    child.stdin.end(stdin ?? '');
  });
}
