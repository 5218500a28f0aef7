// Following a CodeDeploy deployment's target: the blue and green task set ARNs it names, and the
// lifecycle events that succeeded, as progress reports for the workflow.
import { BatchGetDeploymentTargetsCommand, ListDeploymentTargetsCommand, type CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { AwaitCodeDeployInput } from './codedeploy.js';
import { errorName } from './errors.js';
import type { ProgressReport } from '../../workflows/deployment/messages.js';

/** The blue and green ECS task set ARNs of a deployment target (the Panda deploy API's blueServiceArn/greenServiceArn). */
export interface TaskSetArns {
  blueServiceArn?: string;
  greenServiceArn?: string;
}

/**
 * A task set's ARN from CodeDeploy's `identifer` (sic): an ARN as is, or a task set id
 * (`ecs-svc/…`) placed under the target's service ARN (`…:service/<cluster>/<service>`).
 */
export function taskSetArn(identifer: string | undefined, serviceArn: string | undefined): string | undefined {
  if (!identifer) return undefined;
  if (identifer.startsWith('arn:')) return identifer;
  const match = serviceArn ? /^(arn:[^:]+:ecs:[^:]*:[^:]*:)service\/(.+)$/.exec(serviceArn) : null;
  return match ? `${match[1]}task-set/${match[2]}/${identifer}` : identifer;
}

/**
 * The lifecycle events that succeeded since the last call (`reported` holds what this attempt
 * already handed on; a new attempt reports again and the workflow dedupes). Also whether
 * production traffic is on green for good (AfterAllowTraffic succeeded), and the task set ARNs seen.
 */
export async function lifecycleReports(
  codedeploy: CodeDeployClient,
  input: AwaitCodeDeployInput,
  reported: Set<string>,
): Promise<{ trafficOnGreen: boolean; arns: TaskSetArns; reports: ProgressReport[] }> {
  let targetIds: string[] | undefined;
  try {
    ({ targetIds } = await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId: input.codeDeployDeploymentId })));
  } catch (error) {
    // A deployment still in Created has no targets yet: nothing to report this time.
    if (errorName(error) === 'DeploymentNotStartedException') return { trafficOnGreen: false, arns: {}, reports: [] };
    throw error;
  }
  if (!targetIds?.length) return { trafficOnGreen: false, arns: {}, reports: [] };
  const { deploymentTargets } = await codedeploy.send(
    new BatchGetDeploymentTargetsCommand({ deploymentId: input.codeDeployDeploymentId, targetIds }),
  );
  const target = deploymentTargets?.[0]?.ecsTarget;
  const arns: TaskSetArns = {};
  for (const taskSet of target?.taskSetsInfo ?? []) {
    const arn = taskSetArn(taskSet.identifer, target?.targetArn);
    if (!arn) continue;
    if (taskSet.taskSetLabel?.toUpperCase() === 'BLUE') arns.blueServiceArn = arn;
    if (taskSet.taskSetLabel?.toUpperCase() === 'GREEN') arns.greenServiceArn = arn;
  }
  const taskSets = (target?.taskSetsInfo ?? []).map((t) => ({
    label: t.taskSetLabel,
    status: t.status,
    trafficWeight: t.trafficWeight,
    running: t.runningCount,
    desired: t.desiredCount,
  }));
  const reports = (target?.lifecycleEvents ?? [])
    .filter(
      (event) =>
        event.status === 'Succeeded' &&
        event.lifecycleEventName &&
        !reported.has(`${input.codeDeployDeploymentId}:${event.lifecycleEventName}`),
    )
    .map((event) => ({
      key: `${input.codeDeployDeploymentId}:${event.lifecycleEventName}`,
      stage: input.stage,
      kind: 'lifecycle_event' as const,
      details: { lifecycleEvent: event.lifecycleEventName!, status: event.status!, taskSets },
    }));
  for (const report of reports) reported.add(report.key);
  const trafficOnGreen = (target?.lifecycleEvents ?? []).some(
    (event) => event.lifecycleEventName === 'AfterAllowTraffic' && event.status === 'Succeeded',
  );
  return { trafficOnGreen, arns, reports };
}
