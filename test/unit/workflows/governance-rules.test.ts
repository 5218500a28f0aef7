// Who may do what to production, as pure rules shared by the workflow's validators and every
// door (API, Slack command and button, WebSocket, console): rolling back means undoing the current
// release only; rollbacks follow the approvers of the policy (admins too, as the brake); Slack
// deploys follow the policy's deployers; Slack's defaults are resolved into a policy at start.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_APPROVAL_POLICY,
  resolveSlackDefaults,
  rollbackActorRefusal,
  slackDeployerRefusal,
  type ApprovalPolicy,
} from '../../../domain/approval-policy.js';
import { undoRefusal } from '../../../workflows/deployment/decisions.js';

const policy = (patch: Partial<ApprovalPolicy> = {}): ApprovalPolicy => ({ ...DEFAULT_APPROVAL_POLICY, ...patch });

describe('undoRefusal', () => {
  it('undoes the current release only, and never a rollback', () => {
    expect(undoRefusal({ deploymentId: 'dep_b' }, 'dep_b', 'c/s')).toBeUndefined();
    expect(undoRefusal({ deploymentId: 'dep_a' }, 'dep_b', 'c/s')).toEqual({
      currentDeploymentId: 'dep_b',
      message:
        'Only the current release of c/s can be rolled back, and that is dep_b, not dep_a. To go back further, deploy the older version through the gate (POST /api/v1/deploy/dep_a/redeploy, or POST /api/v1/deploy with its version)',
    });
    expect(undoRefusal({ deploymentId: 'dep_r', rollbackOf: 'dep_b' }, 'dep_r', 'c/s')?.message).toBe(
      'Deployment dep_r is itself a rollback of dep_b: to run that release again, deploy its version through the gate (POST /api/v1/deploy/dep_b/redeploy)',
    );
    expect(undoRefusal({ deploymentId: 'dep_a' }, undefined, 'c/s')).toMatchObject({ currentDeploymentId: null });
  });
});

describe('rollbackActorRefusal', () => {
  it('lets those whose approval counts roll back, and admins from the API', () => {
    const named = policy({ labels: ['carol'], slackUsers: ['U0CAROL'] });
    expect(rollbackActorRefusal(named, 'c/s', { by: 'carol', via: 'api', role: 'approver' })).toBeUndefined();
    expect(rollbackActorRefusal(named, 'c/s', { by: 'mallory', via: 'websocket', role: 'approver' })).toBe(
      'mallory is not among the approvers of c/s',
    );
    expect(rollbackActorRefusal(named, 'c/s', { by: 'ops', via: 'api', role: 'admin' })).toBeUndefined();
    expect(rollbackActorRefusal(named, 'c/s', { by: 'slack:U0CAROL', via: 'slack', slackUserId: 'U0CAROL' })).toBeUndefined();
    expect(rollbackActorRefusal(named, 'c/s', { by: 'slack:U0EVE', via: 'slack', slackUserId: 'U0EVE' })).toBe(
      'Slack user U0EVE is not among the approvers of c/s',
    );
    expect(rollbackActorRefusal(policy({ roles: ['approver'] }), 'c/s', { by: 'd', via: 'api', role: 'deployer' })).toBe(
      'Role deployer may not roll back c/s (allowed: approver)',
    );
  });

  it('refuses every Slack user where neither the policy nor SLACK_APPROVERS names one', () => {
    expect(rollbackActorRefusal(policy(), 'c/s', { by: 'slack:U0ANY', via: 'slack', slackUserId: 'U0ANY' })).toMatch(
      /^No Slack user may roll back c\/s/,
    );
  });
});

describe('Slack deployers and defaults', () => {
  it('resolves SLACK_APPROVERS into a policy naming no Slack approver, and deployers from both lists', () => {
    const resolved = resolveSlackDefaults(policy(), { approvers: ['U0APP'], deployers: ['U0DEV'] });
    expect(resolved).toMatchObject({ slackUsers: ['U0APP'], deployers: { slackUsers: ['U0APP', 'U0DEV'], slackGroups: [] } });
    const own = resolveSlackDefaults(policy({ slackGroups: ['S0PAY'], deployers: { slackUsers: [], slackGroups: ['S0REL'] } }), {
      approvers: ['U0APP'],
      deployers: ['U0DEV'],
    });
    expect(own).toMatchObject({ slackUsers: [], slackGroups: ['S0PAY'], deployers: { slackUsers: [], slackGroups: ['S0REL'] } });
  });

  it('lets the named deployers, or members of their groups, deploy from Slack', () => {
    const resolved = policy({ deployers: { slackUsers: ['U0DEV'], slackGroups: ['S0REL'] } });
    expect(slackDeployerRefusal(resolved, 'c/s', { slackUserId: 'U0DEV' })).toBeUndefined();
    expect(slackDeployerRefusal(resolved, 'c/s', { slackUserId: 'U0NEW', slackGroups: ['S0REL'] })).toBeUndefined();
    expect(slackDeployerRefusal(resolved, 'c/s', { slackUserId: 'U0EVE', slackGroups: ['S0OTHER'] })).toBe(
      'Slack user U0EVE is not among the deployers of c/s',
    );
    expect(slackDeployerRefusal(policy(), 'c/s', { slackUserId: 'U0EVE' })).toBe(
      "Nobody may deploy c/s from Slack: name deployers in the service's approval policy or SLACK_DEPLOYERS",
    );
  });
});
