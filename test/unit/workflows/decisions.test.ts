// The gate's rules (workflows/deployment/decisions.ts) as pure functions: every answer, for every
// status, with and without a decision the workflow has taken but not yet acted on.
import { describe, expect, it } from 'vitest';
import { ALREADY_SWITCHED, rollbackPlan, switchRefusal, type GateView } from '../../../workflows/deployment/decisions.js';

const view = (patch: Partial<GateView> = {}): GateView => ({
  deploymentId: 'dep-1',
  status: 'IN_PROGRESS',
  stage: 2,
  finalService: null,
  previousTaskDefinitionArn: 'arn:td:1',
  ...patch,
});
const notReady = (stage: number) => `Deployment is not ready for traffic switch. Current stage: ${stage}`;

describe('switchRefusal', () => {
  it('allows a switch only at the gate with nothing pending', () => {
    expect(switchRefusal(view({ status: 'DEPLOYMENT_READY', stage: 4 }))).toBeUndefined();
  });

  it('is not ready during stages 1–4, after a failure or a rollback, and while a rollback or timeout is pending', () => {
    expect(switchRefusal(view())).toBe(notReady(2));
    expect(switchRefusal(view({ status: 'FAILED', stage: 3 }))).toBe(notReady(3));
    expect(switchRefusal(view({ status: 'ROLLED_BACK', stage: 4, finalService: 'blue' }))).toBe(notReady(4));
    expect(switchRefusal(view({ status: 'DEPLOYMENT_READY', stage: 4, pending: 'rollback' }))).toBe(notReady(4));
    expect(switchRefusal(view({ status: 'DEPLOYMENT_READY', stage: 4, pending: 'timeout' }))).toBe(notReady(4));
  });

  it('says already switched once a switch is decided, under way or done', () => {
    expect(switchRefusal(view({ status: 'DEPLOYMENT_READY', stage: 4, pending: 'switch' }))).toBe(ALREADY_SWITCHED);
    expect(switchRefusal(view({ status: 'SWITCHING', stage: 5 }))).toBe(ALREADY_SWITCHED);
    expect(switchRefusal(view({ status: 'COMPLETED', stage: 5, finalService: 'green' }))).toBe(ALREADY_SWITCHED);
    expect(switchRefusal(view({ status: 'FAILED', stage: 5, finalService: 'green' }))).toBe(ALREADY_SWITCHED);
  });
});

describe('rollbackPlan', () => {
  it('stops a deployment during stages 1–4 and at the gate', () => {
    expect(rollbackPlan(view())).toEqual({ kind: 'stop' });
    expect(rollbackPlan(view({ status: 'DEPLOYMENT_READY', stage: 4 }))).toEqual({ kind: 'stop' });
  });

  it('redeploys the previous task definition after completion, or refuses without one', () => {
    expect(rollbackPlan(view({ status: 'COMPLETED', stage: 5 }))).toEqual({ kind: 'redeploy-previous', taskDefinitionArn: 'arn:td:1' });
    expect(rollbackPlan(view({ status: 'COMPLETED', stage: 5, previousTaskDefinitionArn: undefined }))).toEqual({
      kind: 'refused',
      message: 'Deployment dep-1 has no previous task definition to roll back to',
    });
  });

  it('refuses after the end, while switching, and when a decision is already pending', () => {
    expect(rollbackPlan(view({ status: 'FAILED' }))).toEqual({
      kind: 'refused',
      message: 'Deployment dep-1 has ended (FAILED): nothing to roll back',
    });
    expect(rollbackPlan(view({ status: 'ROLLED_BACK' }))).toEqual({
      kind: 'refused',
      message: 'Deployment dep-1 has ended (ROLLED_BACK): nothing to roll back',
    });
    expect(rollbackPlan(view({ status: 'SWITCHING', stage: 5 }))).toEqual({
      kind: 'refused',
      message: 'Deployment dep-1 cannot be rolled back in status SWITCHING',
    });
    for (const pending of ['rollback', 'switch', 'timeout'] as const) {
      expect(rollbackPlan(view({ status: 'DEPLOYMENT_READY', stage: 4, pending }))).toEqual({
        kind: 'refused',
        message: 'Deployment dep-1 cannot be rolled back in status DEPLOYMENT_READY',
      });
    }
    expect(rollbackPlan(view({ pending: 'rollback' }))).toEqual({
      kind: 'refused',
      message: 'Deployment dep-1 cannot be rolled back in status IN_PROGRESS',
    });
  });
});
