// A blue/green deployment (id = deploymentId): build → ECR → ECS task definition → CodeDeploy
// until Ready → health probes → DEPLOYMENT_READY, then wait for a person's switch (or rollback,
// or the switch timeout, which stops and rolls back: no silent promotion). The stages live in
// stages/; this function only orders them and decides how the run ends.
import { isCancellation, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { DeployRepository, DeployService, DeployStage, SwitchyardKind, SwitchyardStatus } from '../../common/search-attributes.js';
import { MERGED_ATTRIBUTES_PATCH } from './visibility.js';
import { createContext, snapshot, type DeploymentContext } from './context.js';
import { classifyFailure } from './failures.js';
import { registerHandlers } from './handlers.js';
import { buildStage, pushStage } from './stages/build.js';
import { cancelledByTemporal, fail, rollBack } from './stages/endings.js';
import { awaitDecision, markReady } from './stages/gate.js';
import { codeDeployStage, taskDefinitionStage } from './stages/release.js';
import { frozenBeforeRelease } from './stages/freeze-check.js';
import { switchTraffic } from './stages/switch.js';
import { releaseStage } from './stages/release-start.js';
import { walkRelease } from './stages/walk.js';
import { progressivePlan } from './progressive.js';
import type { DeploymentInput, DeploymentSnapshot } from './types.js';
import { canonicalServiceKey } from '../service/service-key.js';

export async function deploymentWorkflow(input: DeploymentInput): Promise<DeploymentSnapshot> {
  const ctx = createContext(input);
  registerHandlers(ctx);
  // DeployService holds the service's one name (ARNs reduced to names), so a deployment targeted
  // by ARN is found by `?service=cluster/service` too. Earlier runs recorded the raw spelling.
  const service = patched('canonical-deploy-service')
    ? canonicalServiceKey(input.target.cluster, input.target.service)
    : `${input.target.cluster}/${input.target.service}`;
  const attributes: SearchAttributeUpdatePair[] = [
    { key: SwitchyardKind, value: 'deployment' },
    { key: SwitchyardStatus, value: 'IN_PROGRESS' },
    { key: DeployService, value: service },
    { key: DeployRepository, value: `${input.owner}/${input.repo}` },
  ];
  ctx.visibility.merged = patched(MERGED_ATTRIBUTES_PATCH);
  if (ctx.visibility.merged) {
    // The first stage (a rollback starts at 3) goes with the start's attributes: one event fewer.
    const firstStage = input.rollback ? 3 : 1;
    attributes.push({ key: DeployStage, value: firstStage });
    ctx.visibility.indexedStage = firstStage;
  }
  upsertSearchAttributes(attributes);

  ctx.slackMessage = await ctx.slack.postDeploymentMessage(snapshot(ctx)).catch(() => null);
  if (ctx.rollbackRequested) return await rollBack(ctx, ctx.rollbackRequested);
  try {
    await ctx.stagesScope.run(() => runStages(ctx));
  } catch (error) {
    if (ctx.rollbackRequested) return await rollBack(ctx, ctx.rollbackRequested);
    if (isCancellation(error)) return await rollBack(ctx, cancelledByTemporal());
    return await fail(ctx, classifyFailure(error, ctx.state.stage));
  }
  if (ctx.rollbackRequested) return await rollBack(ctx, ctx.rollbackRequested);

  await markReady(ctx);
  const decision = await awaitDecision(ctx);
  if (decision.action !== 'switch') return await rollBack(ctx, decision);
  const plan = progressivePlan(input);
  return plan ? await walkRelease(ctx, plan, decision) : await switchTraffic(ctx, decision);
}

/** Stages 1–4. A rollback deployment skips the build: it redeploys a known-good task definition. */
async function runStages(ctx: DeploymentContext): Promise<void> {
  let imageUri = '';
  if (!ctx.input.rollback) {
    const built = await buildStage(ctx);
    imageUri = await pushStage(ctx, built.imageTag, built.imageDigest);
  }
  const taskDefinitionArn = await taskDefinitionStage(ctx, imageUri);
  ctx.state.taskDefinitionArn = taskDefinitionArn;
  // CodeDeploy is what first puts new code behind a listener: a freeze set since admission stops it here.
  if (!ctx.input.rollback && patched('freeze-before-release')) {
    const stopped = await frozenBeforeRelease(ctx);
    if (stopped) {
      ctx.rollbackRequested = stopped;
      return;
    }
  }
  // A progressive release (only with `input.release`, see progressive.ts: no patch needed).
  const plan = progressivePlan(ctx.input);
  if (plan) await releaseStage(ctx, plan, imageUri, taskDefinitionArn);
  else await codeDeployStage(ctx, imageUri, taskDefinitionArn);
}
