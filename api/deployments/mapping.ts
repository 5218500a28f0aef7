// From the workflow's snapshot to the Panda deploy API's result shape (every Panda field, plus a few more).
import { pandaTimestamp } from '../errors.js';
import { durationSeconds, type DeploymentSnapshot, type HealthFigures, type WatchWindow } from '../../domain/deployment.js';

/** `watchWindows`: the watched hold's latest windows, while the gate is open (from its heartbeat). */
export function toDeploymentResult(s: DeploymentSnapshot, watchWindows: readonly WatchWindow[] = []) {
  return {
    deploymentId: s.deploymentId,
    status: s.status,
    stage: s.stage,
    owner: s.owner,
    repo: s.repo,
    branch: s.branch,
    version: s.version ?? null,
    // Panda's fields keep Panda's form (2024-01-01T12:00:00); new fields are ISO with zone.
    startedAt: pandaTime(s.startedAt),
    completedAt: s.completedAt ? pandaTime(s.completedAt) : null,
    durationSeconds: durationSeconds(s),
    finalService: s.finalService,
    blueUrl: s.blueUrl ?? null,
    greenUrl: s.greenUrl,
    errorMessage: s.errorMessage,
    errorCode: s.errorCode ?? null,
    blueLatencyMs: s.blue?.latencyMs ?? null,
    greenLatencyMs: s.green?.latencyMs ?? null,
    blueErrorRate: s.blue?.errorRate ?? null,
    greenErrorRate: s.green?.errorRate ?? null,
    eventCount: s.eventCount,
    approvedBy: s.decision?.by ?? null,
    decidedVia: s.decision?.via ?? null,
    imageUri: s.imageUri ?? null,
    commitSha: s.sha ?? null,
    imageDigest: s.imageDigest ?? null,
    taskDefinitionArn: s.taskDefinitionArn ?? null,
    codeDeployDeploymentId: s.codeDeployDeploymentId ?? null,
    rollbackOf: s.rollbackOf ?? null,
    blueServiceArn: s.blueServiceArn ?? null,
    greenServiceArn: s.greenServiceArn ?? null,
    decidedAt: s.decision?.at ?? null,
    approvals:
      s.approvals ??
      (s.decision?.action === 'switch'
        ? [{ who: s.decision.by, ...(s.decision.person ? { person: s.decision.person } : {}), via: s.decision.via, at: s.decision.at }]
        : []),
    approvalsRequired: s.approvalsRequired ?? 1,
    evidence: {
      blue: figures(s.blue),
      green: figures(s.green),
      testTrafficSince: s.testTrafficSince ?? null,
      watch: watchWindows.map((w) => ({ at: w.at, blue: figures(w.blue)!, green: figures(w.green)!, breach: w.breach ?? null })),
    },
    // A progressive release's fields, only when the workflow reports them: blue/green results keep the Panda deploy API's shape.
    ...(s.strategy !== undefined ? { strategy: s.strategy } : {}),
    ...(s.steps !== undefined ? { steps: s.steps } : {}),
    ...(s.currentStep !== undefined ? { currentStep: s.currentStep } : {}),
    ...(s.trafficWeight !== undefined ? { trafficWeight: s.trafficWeight } : {}),
    ...(s.bakeEndsAt !== undefined ? { bakeEndsAt: s.bakeEndsAt } : {}),
  };
}

function figures(f: HealthFigures | undefined) {
  return f ? { latencyMs: f.latencyMs, p50Ms: f.p50Ms ?? null, p95Ms: f.p95Ms ?? null, errorRate: f.errorRate, samples: f.samples } : null;
}

function pandaTime(iso: string): string {
  const parsed = new Date(iso);
  return Number.isNaN(parsed.getTime()) ? iso : pandaTimestamp(parsed);
}
