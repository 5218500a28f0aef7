// What the Temporal UI shows for a deployment, read the way the UI reads it (the client's
// describe() and the workflow metadata query) on the sandbox: the summary and details fixed at
// start, and the gate's current details (approvals x of y, green and blue, time left), updated
// when an approval is recorded and cleared once the deployment has left the gate.
import { describe, expect, it } from 'vitest';
import { approvalPolicies } from '../common/config/approval-policies.js';
import { SANDBOX_SERVICE } from '../emulators/sandbox.js';
import { sandboxApiServices } from '../emulators/wiring/services.js';
import { admissionSummary } from '../domain/run-summaries.js';
import { serviceWorkflowId } from '../workflows/service/service-key.js';
import { sandboxSuite } from './support/sandbox-suite.js';

describe("the Temporal UI tells a deployment's story", () => {
  const suite = sandboxSuite('run-summaries', {
    // Two approvals: the gate's details show one recorded approval of two.
    app: (worker) => {
      const services = sandboxApiServices(worker.config, worker.sandbox);
      const defaults = { ...services.deploy.defaults, approvalPolicies: approvalPolicies({ default: { approvals: 2 } }) };
      return { deploy: { ...services.deploy, defaults } };
    },
  });

  /** The current details, as the UI gets them: the SDK's built-in metadata query. */
  const currentDetails = async (id: string): Promise<string | undefined> => {
    const metadata: { currentDetails?: string } = await suite.client.workflow.getHandle(id).query('__temporal_workflow_metadata');
    return metadata.currentDetails;
  };

  it('summarises the deployment at start and says where the gate stands while it waits', async () => {
    const connection = await suite.api.connect();
    const started = await suite.api.deploy(connection, { version: 'v1.2.3' });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const id: string = started.body.data.deploymentId;
    const serviceKey = `${SANDBOX_SERVICE.cluster}/${suite.worker.sandbox.target.service}`;

    const description = await suite.client.workflow.getHandle(id).describe();
    expect(await description.staticSummary()).toBe(`${SANDBOX_SERVICE.repo} v1.2.3 → ${serviceKey} by test deployer`);
    const details = await description.staticDetails();
    expect(details).toContain(`**Repository** ${SANDBOX_SERVICE.owner}/${SANDBOX_SERVICE.repo}, branch main, version v1.2.3`);
    expect(details).toContain('**Gate** 2 approval(s)');
    // Nothing secret rides along: the connections are named by id nowhere in what the UI shows.
    expect(details).not.toContain(connection.awsConnectionId);
    const admission = await suite.client.workflow.getHandle(serviceWorkflowId(serviceKey)).describe();
    expect(await admission.staticSummary()).toBe(admissionSummary(serviceKey));

    await suite.api.reach(id, 'DEPLOYMENT_READY', 150);
    const atGate = await currentDetails(id);
    expect(atGate).toContain('**Waiting at the gate**: 0 of 2 approvals');
    expect(atGate).toMatch(/\*\*Green\*\* \d+ ms, \d+\.\d% errors \(\d+ samples\)/);
    expect(atGate).toMatch(/\*\*Blue\*\* \d+ ms/);
    expect(atGate).toMatch(/\*\*Switch timeout\*\* at \d{4}-\d\d-\d\dT.* \(\d+ s left when last updated\)/);

    const first = await suite.api.call('POST', `/api/v1/deploy/${id}/switch`, undefined, 'approver');
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(await currentDetails(id)).toContain('**Waiting at the gate**: 1 of 2 approvals');

    const rolledBack = await suite.api.call('POST', `/api/v1/deploy/${id}/rollback`, { reason: 'enough seen' }, 'approver');
    expect(rolledBack.status, JSON.stringify(rolledBack.body)).toBe(200);
    await suite.api.reach(id, 'ROLLED_BACK', 150);
    // Past the gate the details no longer claim it waits.
    expect(await currentDetails(id)).toBeFalsy();
  });
});
