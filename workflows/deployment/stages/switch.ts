// Stage 5, after a switch decision: CodeDeploy moves production traffic to green.
import type { DeploymentMilestone } from '../../../domain/deployment-milestones.js';
import { setStatus, snapshot, syncSlack, type DeploymentContext } from '../context.js';
import { classifyFailure } from '../failures.js';
import { STAGE_MESSAGES as M } from '../stage-texts.js';
import type { Decision, DeploymentSnapshot } from '../types.js';
import { fail } from './endings.js';
import { indexStage } from '../visibility.js';
import { appendProgress } from '../progress-log.js';

export async function switchTraffic(ctx: DeploymentContext, d: Decision): Promise<DeploymentSnapshot> {
  const { input, state, log, acts, aws, workflowId } = ctx;
  const { target } = input;
  state.decision = d;
  state.stage = 5;
  indexStage(ctx.visibility, 5, false); // with SWITCHING, in one upsert (merged runs)
  setStatus(ctx, 'SWITCHING');
  log.append('stage', M.switching, { stage: 5, by: d.by, via: d.via });
  await syncSlack(ctx);
  try {
    // Blue and green side by side one last time, while both still serve.
    const before = await acts.probeHealth({ blueUrl: target.blueUrl, greenUrl: target.greenUrl });
    state.blue = before.blue;
    await acts.continueCodeDeploy({ ...aws, codeDeployDeploymentId: state.codeDeployDeploymentId! });
    appendProgress(
      ctx,
      (
        await acts.awaitCodeDeploy({
          ...aws,
          codeDeployDeploymentId: state.codeDeployDeploymentId!,
          until: 'Succeeded',
          workflowId,
          stage: 5,
        })
      ).progress,
    );
    // Production now runs green: its figures on the production URL are green's.
    state.green = await acts.probeProduction({ url: target.blueUrl });
  } catch (error) {
    return await fail(ctx, classifyFailure(error, 5));
  }
  state.finalService = 'green';
  state.completedAt = new Date().toISOString();
  setStatus(ctx, 'COMPLETED');
  log.append('stage', M.switched, {
    stage: 5,
    milestone: 'switched' satisfies DeploymentMilestone,
    activeService: 'green',
    approvedBy: d.by,
    via: d.via,
  });
  log.append('success', M.success, { deploymentId: input.deploymentId, approvedBy: d.by, via: d.via });
  log.terminal = true;
  await syncSlack(ctx);
  return snapshot(ctx);
}
