// Hostile: reorder the key list. When a key's label was its position (SWITCHYARD_API_KEYS[0]),
// moving mallory's key to the front handed it the name the policy's `labels` allow. Labels are now
// written with the key: with the list reordered, mallory's approval is still mallory's, refused by
// a policy that names alice, and CodeDeploy receives no ContinueDeployment; alice's key still
// switches. Real app, workflow and worker against the sandbox emulators.
import { describe, expect, it } from 'vitest';
import { ApiKeyRing } from '../../api/auth.js';
import { keyEntry } from '../../common/keys/api-keys.js';
import { TEST_KEYS } from '../support/api.js';
import { json, type Json } from '../support/http.js';
import { sandboxSuite } from '../support/sandbox-suite.js';

const ALICE_KEY = 'alice-approver-key-0123456789';
const MALLORY_KEY = 'mallory-approver-key-0123456789';

describe('a reordered key list moves no identity', () => {
  const suite = sandboxSuite('hostile-reorder', {
    env: {
      DEPLOY_APPROVAL_POLICIES: JSON.stringify({ default: { approvals: 1, labels: ['alice'] } }),
      // Once written alice first; now mallory first. The labels travel with their keys.
      SWITCHYARD_API_KEYS: `mallory:approver:${MALLORY_KEY},alice:approver:${ALICE_KEY}`,
    },
    app: (worker) => ({
      keys: new ApiKeyRing([
        ...Object.entries(TEST_KEYS).map(([role, key]) => keyEntry(`test-${role}`, role as keyof typeof TEST_KEYS, key)),
        ...worker.config.apiKeys,
      ]),
    }),
  });

  const switchWith = async (id: string, key: string) => {
    const res = await suite.app.request(`/api/v1/deploy/${id}/switch`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await json(res)) as Json };
  };

  it("refuses mallory's key under alice's policy, switches nothing, and alice's key still switches", async () => {
    const { api, worker } = suite;
    const me = await suite.app.request('/api/v1/me', { headers: { authorization: `Bearer ${MALLORY_KEY}` } });
    expect((await json(me)).data).toMatchObject({ label: 'mallory', role: 'approver' });

    const started = await api.deploy(await api.connect());
    expect(started.status).toBe(200);
    const id = started.body.data.deploymentId as string;
    const ready = await api.reach(id, 'DEPLOYMENT_READY');
    const codeDeployId = ready.codeDeployDeploymentId as string;
    const counters = worker.sandbox.aws.state.counters;

    const mallory = await switchWith(id, MALLORY_KEY);
    expect(mallory.status).toBe(403);
    expect(mallory.body.message).toMatch(/^mallory is not among the approvers of /);
    expect((await api.result(id)).body.data).toMatchObject({ status: 'DEPLOYMENT_READY', approvals: [] });
    expect(counters.continueDeploymentCalls.get(codeDeployId) ?? 0).toBe(0);

    const alice = await switchWith(id, ALICE_KEY);
    expect(alice.status).toBe(200);
    const done = await api.reach(id, 'COMPLETED');
    expect(done.approvals).toEqual([{ who: 'alice', via: 'api', at: expect.any(String) }]);
    expect(counters.continueDeploymentCalls.get(codeDeployId)).toBe(1);
  });
});
