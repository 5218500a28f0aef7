// The AfterAllowTestTraffic hook Lambda (Node.js 22 runtime): forwards CodeDeploy's event to
// Switchyard, which signals the deployment workflow, posts the Slack notice and reports the hook
// Succeeded. When Switchyard refuses (a 4xx: wrong secret, unknown deployment), this function
// reports the hook Failed itself, so CodeDeploy rolls back at once. When Switchyard is briefly
// unreachable or answers 5xx/429 (a rolling restart, a Temporal node failing over), it retries
// with backoff within its budget and never reports Failed for that: CodeDeploy's one-hour hook
// limit is the backstop, and a blip must not fail a release.
//
// The event names only the CodeDeploy deployment. The function reads that deployment's description
// (GetDeployment), where Switchyard writes `switchyard:<deployment id>` when it creates it, and
// forwards the id as SwitchyardDeploymentId: Switchyard then addresses the workflow by its id, which
// is read-your-writes, instead of finding it through Temporal visibility, which may lag (a Temporal
// node failing over delays indexing) or not yet hold the id (its worker crashed around
// CreateDeployment). Without the permission or the marker it forwards the event alone.
//
// ECS-native services invoke the same function as a Lambda lifecycle hook: see ecs-handler.ts.
//
// Environment: SWITCHYARD_HOOK_URL (https://<switchyard>/api/v1/hooks/codedeploy),
// SWITCHYARD_HOOK_SECRET (= CODEDEPLOY_HOOK_SECRET), optional SWITCHYARD_HOOK_TIMEOUT_MS (20000)
// per attempt and SWITCHYARD_HOOK_RETRY_BUDGET_MS (600000; keep it below the Lambda's timeout).
import {
  CodeDeployClient,
  GetDeploymentCommand,
  LifecycleEventAlreadyCompletedException,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import {
  createEcsHandler,
  ecsHookUrl,
  isEcsHookEvent,
  type EcsHandlerOptions,
  type EcsHookAnswer,
  type EcsHookEvent,
} from './ecs-handler.js';

export interface CodeDeployHookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

export interface HookResult {
  forwarded: boolean;
  /** Unanswered: Switchyard stayed unreachable for the whole budget; CodeDeploy's hook limit decides. */
  status: 'Succeeded' | 'Failed' | 'Unanswered';
  detail: string;
}

export interface HandlerOptions {
  hookUrl: string | undefined;
  hookSecret: string | undefined;
  codedeploy: Pick<CodeDeployClient, 'send'>;
  timeoutMs?: number;
  /** How long to keep retrying an unreachable or 5xx-answering Switchyard. Default 10 minutes. */
  retryBudgetMs?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** Switchyard's marker in a CodeDeploy deployment's description (activities/deployment/codedeploy-create.ts). */
const SWITCHYARD_MARKER = /(?:^|\s)switchyard:([A-Za-z0-9_.-]{1,128})(?:\s|$)/;

/** The Switchyard deployment that created a CodeDeploy deployment, from its description; undefined when it cannot be read. */
async function switchyardDeploymentOf(
  codedeploy: Pick<CodeDeployClient, 'send'>,
  deploymentId: string,
  log: NonNullable<HandlerOptions['log']>,
): Promise<string | undefined> {
  try {
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
    return SWITCHYARD_MARKER.exec(deploymentInfo?.description ?? '')?.[1];
  } catch (error) {
    log('GetDeployment failed; forwarding the event alone', { deploymentId, error: error instanceof Error ? error.name : String(error) });
    return undefined;
  }
}

const defaultLog = (message: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ message, ...fields }));

export function createHandler(options: HandlerOptions) {
  const log = options.log ?? defaultLog;
  return async function handler(event: CodeDeployHookEvent): Promise<HookResult> {
    const { DeploymentId: deploymentId, LifecycleEventHookExecutionId: hookExecutionId } = event ?? ({} as CodeDeployHookEvent);
    if (!deploymentId || !hookExecutionId) {
      // Nothing to report against: CodeDeploy will time the hook out.
      throw new Error('Event without DeploymentId or LifecycleEventHookExecutionId');
    }
    log('AfterAllowTestTraffic hook', { deploymentId });
    let detail: string;
    if (!options.hookUrl || !options.hookSecret) {
      detail = 'SWITCHYARD_HOOK_URL or SWITCHYARD_HOOK_SECRET is not set';
    } else {
      const giveUpAt = Date.now() + (options.retryBudgetMs ?? 600_000);
      const switchyardDeploymentId = await switchyardDeploymentOf(options.codedeploy, deploymentId, log);
      const body = JSON.stringify({
        DeploymentId: deploymentId,
        LifecycleEventHookExecutionId: hookExecutionId,
        ...(switchyardDeploymentId ? { SwitchyardDeploymentId: switchyardDeploymentId } : {}),
      });
      for (let attempt = 1; ; attempt += 1) {
        try {
          const response = await fetch(options.hookUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-switchyard-hook-secret': options.hookSecret },
            body,
            signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
          });
          if (response.ok) {
            log('forwarded to Switchyard; it reported the hook', { deploymentId, status: response.status, attempt });
            return { forwarded: true, status: 'Succeeded', detail: `Switchyard answered ${response.status}` };
          }
          detail = `Switchyard answered ${response.status}: ${(await response.text()).slice(0, 500)}`;
          // A definite refusal: report it now. Anything else may pass: try again.
          if (response.status < 500 && response.status !== 429 && response.status !== 408) break;
        } catch (error) {
          detail = `Switchyard unreachable: ${error instanceof Error ? error.message : String(error)}`;
        }
        // Exponential backoff with full jitter, capped at 30 s.
        const delayMs = Math.random() * Math.min(30_000, 500 * 2 ** (attempt - 1));
        if (Date.now() + delayMs > giveUpAt) {
          log("Switchyard stayed unreachable; leaving the hook to CodeDeploy's limit", { deploymentId, detail, attempts: attempt });
          return { forwarded: false, status: 'Unanswered', detail };
        }
        log('forward failed; retrying', { deploymentId, detail, attempt });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
    log('reporting the hook Failed', { deploymentId, detail });
    try {
      await options.codedeploy.send(
        new PutLifecycleEventHookExecutionStatusCommand({
          deploymentId,
          lifecycleEventHookExecutionId: hookExecutionId,
          status: 'Failed',
        }),
      );
    } catch (error) {
      // Switchyard may have reported it after all (a timeout after its work): nothing left to do.
      if (!(error instanceof LifecycleEventAlreadyCompletedException)) throw error;
    }
    return { forwarded: false, status: 'Failed', detail };
  };
}

/**
 * One function for both engines: CodeDeploy's AfterAllowTestTraffic event, or ECS's Lambda
 * lifecycle hook payload (ecs-handler.ts, sent to the ECS door beside `hookUrl`).
 */
export function createHookHandler(options: HandlerOptions & Pick<EcsHandlerOptions, 'callBackDelaySeconds'>) {
  const codeDeploy = createHandler(options);
  const ecs = createEcsHandler({ ...options, hookUrl: ecsHookUrl(options.hookUrl) });
  return (event: CodeDeployHookEvent | EcsHookEvent): Promise<HookResult | EcsHookAnswer> =>
    isEcsHookEvent(event) ? ecs(event) : codeDeploy(event);
}

/** The Lambda entry point (handler: `handler.handler`). */
export const handler = createHookHandler({
  hookUrl: process.env.SWITCHYARD_HOOK_URL,
  hookSecret: process.env.SWITCHYARD_HOOK_SECRET,
  codedeploy: new CodeDeployClient({}),
  timeoutMs: Number(process.env.SWITCHYARD_HOOK_TIMEOUT_MS ?? 20_000),
  retryBudgetMs: Number(process.env.SWITCHYARD_HOOK_RETRY_BUDGET_MS ?? 600_000),
});
