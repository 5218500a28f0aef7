// What the Temporal UI shows for each run, in place of a bare `dep_…` or `dist-…` id: a one-line
// summary and markdown details fixed at start, and the deployment's current details at the gate.
// Pure functions (no Temporal API, no clock): the API, the workflows and the tests share them.
// Only names and figures go in: never a channel's config, a connection's secret or a URL's query.
import type { DeploymentInput, HealthFigures } from './deployment.js';
import type { DistributionInput } from './distribution.js';

/** e.g. "panda-api v1.2.3 → prod/panda-service by alice". */
export function deploymentSummary(input: DeploymentInput): string {
  const where = `${input.target.cluster}/${input.target.service}`;
  if (input.rollback) return `rollback of ${input.rollback.of} → ${where} by ${input.requestedBy}`;
  return `${input.repo} ${input.version ?? input.branch} → ${where} by ${input.requestedBy}`;
}

export function deploymentDetails(input: DeploymentInput): string {
  const policy = input.approvalPolicy;
  return [
    `**Repository** ${input.owner}/${input.repo}, branch ${input.branch}${input.version ? `, version ${input.version}` : ''}`,
    `**Target** ${input.target.cluster}/${input.target.service} (CodeDeploy ${input.target.codeDeployApplication}/${input.target.codeDeployGroup})`,
    `**Builder** ${input.builder}`,
    `**Requested by** ${input.requestedBy}`,
    `**Gate** ${policy ? `${policy.approvals} approval(s)` : 'default policy'}, switch timeout ${Math.round(input.limits.switchTimeoutMs / 1000)} s`,
    ...(input.rollback ? [`**Rollback of** ${input.rollback.of}${input.rollback.reason ? `: ${input.rollback.reason}` : ''}`] : []),
  ].join('\n');
}

/** e.g. "event evt-42 → slack, webhook by ci". */
export function distributionSummary(input: Pick<DistributionInput, 'eventId' | 'channels' | 'requestedBy'>): string {
  return `event ${input.eventId} → ${input.channels.map((c) => c.type).join(', ')} by ${input.requestedBy}`;
}

export function distributionDetails(input: Pick<DistributionInput, 'eventId' | 'channels' | 'contentUrls' | 'requestedBy'>): string {
  const contents = Object.keys(input.contentUrls).filter((key) => input.contentUrls[key] !== undefined);
  return [
    `**Event** ${input.eventId}`,
    `**Channels** ${input.channels.map((c) => c.type).join(', ')}`,
    `**Content** ${contents.length > 0 ? contents.join(', ') : 'none'}`,
    `**Requested by** ${input.requestedBy}`,
  ].join('\n');
}

export function admissionSummary(serviceKey: string): string {
  return `deployments of ${serviceKey}, one at a time`;
}

export const FREEZES_SUMMARY = 'deployment freezes: the ones set, lifted when they end';

export interface GateFigures {
  approvals: number;
  approvalsRequired: number;
  green?: HealthFigures | undefined;
  blue?: HealthFigures | undefined;
  /** Until the switch timeout acts, as of `at` (a fixed text: the UI reads it, not a live clock). */
  leftMs: number;
  timeoutAt: string;
}

const figures = (f: HealthFigures | undefined) =>
  f ? `${Math.round(f.latencyMs)} ms, ${(f.errorRate * 100).toFixed(1)}% errors (${f.samples} samples)` : 'not measured';

/** The deployment's current details while it waits at the gate. */
export function gateDetails(gate: GateFigures): string {
  return [
    `**Waiting at the gate**: ${gate.approvals} of ${gate.approvalsRequired} approval${gate.approvalsRequired === 1 ? '' : 's'}`,
    `**Green** ${figures(gate.green)}`,
    `**Blue** ${figures(gate.blue)}`,
    `**Switch timeout** at ${gate.timeoutAt} (${Math.max(0, Math.round(gate.leftMs / 1000))} s left when last updated)`,
  ].join('\n');
}
