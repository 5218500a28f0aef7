// The admission rule of one ECS service, as a pure function: the workflow applies it, and its
// answers are what the API turns into 200, 202 and 409.
import type { AdmissionOutcome } from './messages.js';

export interface AdmissionState {
  /** The deployment holding the service (started, or admitted and about to start). */
  running: string | null;
  /** Waiting behind it, in order. */
  queued: readonly string[];
  /** Deployments this run has admitted (running, queued or done): a repeat is answered, not re-run. */
  admitted: ReadonlyMap<string, AdmissionOutcome>;
}

export type AdmissionDecision =
  | { kind: 'repeat'; outcome: AdmissionOutcome }
  | { kind: 'start' }
  | { kind: 'queue'; position: number }
  | { kind: 'refuse'; reason: 'busy' | 'queueFull'; runningDeploymentId: string; message: string };

export function decideAdmission(state: AdmissionState, deploymentId: string, queueCapacity: number, serviceKey: string): AdmissionDecision {
  const earlier = state.admitted.get(deploymentId);
  if (earlier) return { kind: 'repeat', outcome: earlier };
  if (state.running === null) return { kind: 'start' };
  const running = state.running;
  if (queueCapacity === 0) {
    return {
      kind: 'refuse',
      reason: 'busy',
      runningDeploymentId: running,
      message: `Deployment ${running} is already running for ECS service ${serviceKey}`,
    };
  }
  if (state.queued.length >= queueCapacity) {
    return {
      kind: 'refuse',
      reason: 'queueFull',
      runningDeploymentId: running,
      message: `Deployment queue is full: ${state.queued.length} waiting behind ${running} for ECS service ${serviceKey}`,
    };
  }
  return { kind: 'queue', position: state.queued.length + 1 };
}
