// Control over the WebSocket: switch or roll back a deployment (an approver's call), retry or
// cancel a distribution (a deployer's). The same services as the HTTP API decide; their answer,
// or their ApiError's status and message, goes back as `control_result`.
import type { z } from 'zod';
import type { Role } from '../../common/config/config.js';
import { roleAllows, type Principal } from '../auth.js';
import type { DeploymentService } from '../deployments/deployment-service.js';
import type { DistributionService } from '../distributions/service.js';
import { ApiError } from '../errors.js';
import type { DeploymentControlSchema, DistributionControlSchema, ErrorSender, ServerMessageType } from './protocol.js';

export interface ControlContext {
  principal: Principal;
  deployments: DeploymentService;
  distributions: DistributionService;
  /** Sends a message addressed to this client (its client_id). */
  reply(type: ServerMessageType, data: Record<string, unknown>): void;
  fail: ErrorSender;
}

/** Who may do what, and how PERMISSION_DENIED words the action. */
const ACTIONS = {
  switch: { role: 'approver', wording: 'switch traffic' },
  rollback: { role: 'approver', wording: 'roll back' },
  retry: { role: 'deployer', wording: 'retry channels' },
  cancel: { role: 'deployer', wording: 'cancel a distribution' },
} as const satisfies Record<string, { role: Role; wording: string }>;

type Action = keyof typeof ACTIONS;
type Outcome = Record<string, unknown>;

export async function deploymentControl(ctx: ControlContext, data: z.infer<typeof DeploymentControlSchema>): Promise<void> {
  const id = data.deployment_id;
  const { label, role, person } = ctx.principal;
  const decision = {
    by: label,
    via: 'websocket' as const,
    role,
    ...(person ? { person } : {}),
    ...(data.reason ? { reason: data.reason } : {}),
  };
  await decide(ctx, data, { deployment_id: id }, async (): Promise<Outcome> => {
    if (data.action === 'switch') {
      const outcome = await ctx.deployments.switchTraffic(id, decision);
      const approvals = { approvals: outcome.approvals ?? [], approvals_required: outcome.approvalsRequired ?? 1 };
      if (outcome.activeService === 'blue') {
        return {
          message: `Approval recorded: ${approvals.approvals.length} of ${approvals.approvals_required}; traffic stays on blue until the policy is met`,
          active_service: 'blue',
          ...approvals,
        };
      }
      return { message: 'Traffic switching from blue to green in progress', active_service: 'green', ...approvals };
    }
    const { rollbackDeploymentId } = await ctx.deployments.rollback(id, decision);
    return {
      message: rollbackDeploymentId
        ? `Redeploying the previous task definition as ${rollbackDeploymentId}`
        : 'Stopping the deployment; CodeDeploy rolls back to blue',
      rollback_deployment_id: rollbackDeploymentId,
    };
  });
}

export async function distributionControl(ctx: ControlContext, data: z.infer<typeof DistributionControlSchema>): Promise<void> {
  const id = data.event_id;
  const by = ctx.principal.label;
  await decide(ctx, data, { event_id: id }, async (): Promise<Outcome> => {
    if (data.action === 'retry')
      return { message: 'Retry finished', outcome: await ctx.distributions.retry(id, [...new Set(data.channels ?? [])], by) };
    const cancelled = await ctx.distributions.cancelScheduled(id, by);
    return { message: `Cancelled ${cancelled.length} scheduled channel(s)`, cancelled_channels: cancelled };
  });
}

/**
 * Checks the key's role for the action, then runs it; the result echoes which workflow, which
 * action and the client's request_id. Anything but an ApiError is the session's to report.
 */
async function decide(
  ctx: ControlContext,
  request: { action: Action; request_id?: string | undefined },
  workflow: Outcome,
  run: () => Promise<Outcome>,
): Promise<void> {
  const { action } = request;
  const { role, wording } = ACTIONS[action];
  const requested = request.request_id ? { request_id: request.request_id } : {};
  if (!roleAllows(ctx.principal.role, role)) {
    ctx.fail('PERMISSION_DENIED', `This API key (role ${ctx.principal.role}) may not ${wording}: role ${role} required`, {
      required_role: role,
      role: ctx.principal.role,
      action: wording,
      ...requested,
    });
    return;
  }
  const target = { ...workflow, action, ...requested };
  try {
    const result = await run();
    ctx.reply('control_result', { ...target, success: true, ...result });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    ctx.reply('control_result', { ...target, success: false, status: error.status, message: error.message });
  }
}
