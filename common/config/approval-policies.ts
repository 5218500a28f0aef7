// DEPLOY_APPROVAL_POLICIES: the approval policy of each service, and a default for the rest, as
// JSON in one variable (or `@path/to/file.json`). A service is named as `cluster/service` with
// the cluster's name (an ARN's last part), the same canonical key the one-per-service rule uses.
//
//   {"default": {"approvals": 1},
//    "services": {"prod-cluster/payments": {"approvals": 2, "roles": ["approver"], "deployerMayApprove": false,
//                                          "slackGroups": ["S0PAYMENTS"], "rollbackReasonRequired": true,
//                                          "deployers": {"slackUsers": ["U0RELEASER"], "slackGroups": ["S0PAYDEV"]},
//                                          "watch": {"intervalSeconds": 30, "maxErrorRate": 0.05, "maxP95Ms": 800, "windows": 3},
//                                          "onTimeout": {"action": "escalate", "slackGroup": "S0ONCALL", "hardLimitSeconds": 7200},
//                                          "strategy": {"type": "canary", "percent": 10, "bakeMinutes": 5}}}}
import { z } from 'zod';
import { DEFAULT_APPROVAL_POLICY, type ApprovalPolicy } from '../../domain/approval-policy.js';
import { ReleaseStrategySchema, type ReleaseStrategy } from '../../domain/release-strategy.js';
import { jsonOrFileField, ROLES } from './fields.js';

const slackId = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[A-Z0-9]{2,20}$`), `must be a Slack id starting with ${prefix}`);

const watchSchema = z
  .object({
    intervalSeconds: z.number().min(1).max(3600),
    maxErrorRate: z.number().min(0).max(1),
    maxP95Ms: z.number().int().min(1).optional(),
    windows: z.number().int().min(1).max(100).default(3),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .transform(({ intervalSeconds, ...rest }) => ({ intervalMs: intervalSeconds * 1000, ...rest }));

const timeoutSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('rollback') }).strict(),
  z
    .object({
      action: z.literal('extend'),
      extendSeconds: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 3600),
    })
    .strict()
    .transform(({ extendSeconds }) => ({ action: 'extend' as const, extendMs: extendSeconds * 1000 })),
  z
    .object({
      action: z.literal('escalate'),
      slackGroup: slackId('S'),
      hardLimitSeconds: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 3600),
    })
    .strict()
    .transform(({ slackGroup, hardLimitSeconds }) => ({ action: 'escalate' as const, slackGroup, hardLimitMs: hardLimitSeconds * 1000 })),
]);

/** A policy as written: every field optional, the default policy's value where absent. */
const policySchema = z
  .object({
    approvals: z.number().int().min(1).max(10).optional(),
    roles: z.array(z.enum(ROLES)).max(10).optional(),
    labels: z.array(z.string().min(1).max(200)).max(100).optional(),
    slackUsers: z.array(slackId('[UW]')).max(500).optional(),
    slackGroups: z.array(slackId('S')).max(50).optional(),
    /** Who may `/platform-deploy` the service; absent: SLACK_APPROVERS and SLACK_DEPLOYERS. */
    deployers: z
      .object({
        slackUsers: z.array(slackId('[UW]')).max(500).default([]),
        slackGroups: z.array(slackId('S')).max(50).default([]),
      })
      .strict()
      .optional(),
    deployerMayApprove: z.boolean().optional(),
    rollbackReasonRequired: z.boolean().optional(),
    watch: watchSchema.optional(),
    onTimeout: timeoutSchema.optional(),
    onNewerDeployment: z.enum(['queue', 'supersede']).optional(),
    /** How the service's releases move traffic after the gate; absent: blue/green. Kept out of the policy the workflow gets. */
    strategy: ReleaseStrategySchema.optional(),
  })
  .strict();

const policiesSchema = z
  .object({
    default: policySchema.optional(),
    services: z
      .record(z.string(), policySchema)
      .superRefine((services, ctx) => {
        for (const key of Object.keys(services)) {
          if (!/^[^/\s]+\/[^/\s]+$/.test(key))
            ctx.addIssue({ code: 'custom', path: [key], message: `service keys are cluster/service, not ${key}` });
        }
      })
      .optional(),
  })
  .strict();

export interface ApprovalPolicies {
  /** The policy of a service, by its canonical `cluster/service` key. */
  for(serviceKey: string): ApprovalPolicy;
  /** The service's release strategy as its policy (or the default policy) writes it; absent: blue/green. */
  strategyFor?(serviceKey: string): ReleaseStrategy | undefined;
}

export const approvalPoliciesField = jsonOrFileField(policiesSchema, '{"default": {...}, "services": {"cluster/service": {...}}}');

type WrittenPolicies = z.output<typeof policiesSchema>;

export function approvalPolicies(written: WrittenPolicies = {}): ApprovalPolicies {
  // The strategy is admission's business (it becomes the input's `release`): the policy the
  // workflow receives stays as it was, so today's inputs are unchanged.
  const { strategy: baseStrategy, ...defaultPolicy } = written.default ?? {};
  const base: ApprovalPolicy = { ...DEFAULT_APPROVAL_POLICY, ...defaultPolicy };
  const services = new Map(
    Object.entries(written.services ?? {}).map(([key, { strategy, ...policy }]) => [
      key,
      { policy: { ...base, ...policy }, strategy: strategy ?? baseStrategy },
    ]),
  );
  return {
    for: (serviceKey) => services.get(serviceKey)?.policy ?? base,
    strategyFor: (serviceKey) => (services.has(serviceKey) ? services.get(serviceKey)!.strategy : baseStrategy),
  };
}
