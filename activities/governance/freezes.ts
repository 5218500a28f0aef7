// The freeze in force over a service, read from the freeze workflow of this worker's task queue:
// the deployment and admission workflows ask right before they would put new code in front of a
// listener or start a queued deployment, so a freeze set after admission still holds.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { freezeCovering, type Freeze } from '../../domain/freeze.js';
import { freezesQuery, freezesWorkflowId } from '../../workflows/freeze/messages.js';

export function createGovernanceActivities() {
  return {
    /** The freeze covering `serviceKey` now (the one ending last), or null; none while no freeze was ever set. */
    async freezeCovering({ serviceKey }: { serviceKey: string }): Promise<Freeze | null> {
      const { client, info } = Context.current();
      try {
        const freezes = await client.workflow.getHandle(freezesWorkflowId(info.taskQueue)).query(freezesQuery);
        return freezeCovering(freezes, serviceKey, Date.now()) ?? null;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      }
    },
  };
}
