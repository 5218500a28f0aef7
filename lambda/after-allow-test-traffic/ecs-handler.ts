// The same hook Lambda, invoked by ECS as an AWS_LAMBDA lifecycle hook of an ECS-native release at
// POST_TEST_TRAFFIC_SHIFT. It forwards ECS's payload to Switchyard's ECS door (the sibling of the
// CodeDeploy one: <SWITCHYARD_HOOK_URL>/../ecs), which records "waiting for test" and posts the
// Slack notice, and answers ECS as its Lambda hook contract says ("Lambda hooks for Amazon ECS
// service deployments"): SUCCEEDED once Switchyard has recorded it; FAILED on a definite refusal
// (a 4xx: wrong secret, unknown or another service's deployment, a release that has ended), so ECS
// rolls back now; IN_PROGRESS with callBackDelay while Switchyard is unreachable or answers
// 5xx/408/429, so ECS invokes it again later and a blip never fails a release (the hook's own
// timeout is the backstop). ECS re-invokes rather than this function waiting: no retry loop here.

/** What ECS passes to a Lambda lifecycle hook (the fields this function reads). */
export interface EcsHookEvent {
  executionId: string;
  lifecycleStage: string;
  resourceArn: string;
  executionDetails?: Record<string, unknown>;
  hookDetails?: unknown;
}

export type EcsHookAnswer = { hookStatus: 'SUCCEEDED' | 'FAILED' } | { hookStatus: 'IN_PROGRESS'; callBackDelay: number };

export interface EcsHandlerOptions {
  /** Switchyard's ECS door, https://<switchyard>/api/v1/hooks/ecs. */
  hookUrl: string | undefined;
  hookSecret: string | undefined;
  timeoutMs?: number;
  /** Seconds until ECS invokes again while Switchyard cannot answer. Default 30 (ECS's own default). */
  callBackDelaySeconds?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** The stage whose notice this function gives. */
const TEST_TRAFFIC_STAGE = 'POST_TEST_TRAFFIC_SHIFT';

export function isEcsHookEvent(event: unknown): event is EcsHookEvent {
  const e = event as Partial<EcsHookEvent> | null;
  return typeof e?.executionId === 'string' && typeof e.lifecycleStage === 'string' && typeof e.resourceArn === 'string';
}

/** The ECS door beside the CodeDeploy one: …/api/v1/hooks/codedeploy → …/api/v1/hooks/ecs. */
export function ecsHookUrl(codeDeployHookUrl: string | undefined): string | undefined {
  try {
    return codeDeployHookUrl ? new URL('ecs', codeDeployHookUrl).toString() : undefined;
  } catch {
    return undefined; // not a URL: treated as unset (FAILED, logged), never a crash at load
  }
}

const defaultLog = (message: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ message, ...fields }));

export function createEcsHandler(options: EcsHandlerOptions) {
  const log = options.log ?? defaultLog;
  const retryLater = (detail: string): EcsHookAnswer => {
    const callBackDelay = options.callBackDelaySeconds ?? 30;
    log('Switchyard cannot answer now; ECS will invoke again', { detail, callBackDelay });
    return { hookStatus: 'IN_PROGRESS', callBackDelay };
  };
  return async function ecsHandler(event: EcsHookEvent): Promise<EcsHookAnswer> {
    const { resourceArn, lifecycleStage } = event;
    if (lifecycleStage !== TEST_TRAFFIC_STAGE) {
      log('not the test-traffic stage: nothing to tell Switchyard', { resourceArn, lifecycleStage });
      return { hookStatus: 'SUCCEEDED' };
    }
    log('ECS POST_TEST_TRAFFIC_SHIFT hook', { resourceArn });
    if (!options.hookUrl || !options.hookSecret) {
      log('SWITCHYARD_HOOK_URL or SWITCHYARD_HOOK_SECRET is not set: answering FAILED', { resourceArn });
      return { hookStatus: 'FAILED' };
    }
    let response: Response;
    try {
      response = await fetch(options.hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-switchyard-hook-secret': options.hookSecret },
        body: JSON.stringify(event),
        signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
      });
    } catch (error) {
      return retryLater(`Switchyard unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    const detail = `Switchyard answered ${response.status}: ${(await response.text().catch(() => '')).slice(0, 500)}`;
    if (response.ok) {
      log('recorded by Switchyard: answering SUCCEEDED', { resourceArn, status: response.status });
      return { hookStatus: 'SUCCEEDED' };
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) return retryLater(detail);
    log('refused by Switchyard: answering FAILED', { resourceArn, detail });
    return { hookStatus: 'FAILED' };
  };
}
