// The default sandbox deployment both the `deployment` and `npm-start` rows time: connect GitHub and
// AWS, then POST /deploy of v1.2.3, through whichever way the row reaches the API.
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE } from '../emulators/sandbox.js';

export type ApiCall = (method: string, path: string, body?: unknown) => Promise<{ code?: number; data?: Record<string, unknown> }>;

/** The sandbox's GitHub and AWS connections; their ids go into the deploy request. */
export async function connectSandbox(call: ApiCall): Promise<{ githubConnectionId: unknown; awsConnectionId: unknown }> {
  const github = await call('POST', '/api/v1/connect/github', {
    owner: SANDBOX_SERVICE.owner,
    repo: SANDBOX_SERVICE.repo,
    branch: 'main',
    token: SANDBOX_CREDENTIALS.githubToken,
  });
  const aws = await call('POST', '/api/v1/connect/aws', {
    region: SANDBOX_CREDENTIALS.region,
    accessKeyId: SANDBOX_CREDENTIALS.awsAccessKeyId,
    secretAccessKey: SANDBOX_CREDENTIALS.awsSecretAccessKey,
  });
  return { githubConnectionId: github.data?.githubConnectionId, awsConnectionId: aws.data?.awsConnectionId };
}

/** POST /deploy of the sandbox service's v1.2.3; its deployment id, or an error naming the refusal. */
export async function deploySandbox(
  call: ApiCall,
  connections: { githubConnectionId: unknown; awsConnectionId: unknown },
): Promise<string> {
  const deployed = await call('POST', '/api/v1/deploy', {
    ...connections,
    owner: SANDBOX_SERVICE.owner,
    repo: SANDBOX_SERVICE.repo,
    branch: 'main',
    version: 'v1.2.3',
  });
  const id = deployed.data?.deploymentId as string;
  if (!id) throw new Error(`deploy refused: ${JSON.stringify(deployed)}`);
  return id;
}
