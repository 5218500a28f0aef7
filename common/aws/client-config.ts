// One place that builds an AWS SDK client configuration for a stored connection: region,
// credentials (keys, or a role assumed as `switchyard-<id>`), the sandbox endpoint, and the retry
// policy. Two policies, chosen by who retries:
// - `activity`: Temporal retries the activity with backoff, so the SDK makes one attempt (its own
//   retries would multiply the attempts and hide a throttled service from the workflow);
// - `request`: an API request a person waits for (a status read, the hook's report, validating
//   a connection), so the SDK's standard mode retries throttling and 5xx, three attempts in all.
import { awsCredentials, roleSessionName, type AwsAccess } from './credentials.js';
import type { AwsConnection, AwsSecret } from '../connections/connection-store.js';

export type AwsRetryPolicy = 'activity' | 'request';

const MAX_ATTEMPTS: Record<AwsRetryPolicy, number> = { activity: 1, request: 3 };

export interface AwsClientConfig {
  region: string;
  credentials: ReturnType<typeof awsCredentials>;
  maxAttempts: number;
  endpoint?: string;
}

/**
 * `new ECSClient(awsClientConfig(...))` and so on for every client of `resolved`. `sessionId`
 * names the role session (`switchyard-<sessionId>`): the deployment id where there is one.
 */
export function awsClientConfig(
  resolved: { connection: AwsConnection; secret: AwsSecret },
  access: AwsAccess,
  sessionId: string,
  policy: AwsRetryPolicy,
): AwsClientConfig {
  return {
    region: resolved.connection.region,
    credentials: awsCredentials(resolved, access, roleSessionName(sessionId)),
    maxAttempts: MAX_ATTEMPTS[policy],
    ...(access.endpoint ? { endpoint: access.endpoint } : {}),
  };
}
