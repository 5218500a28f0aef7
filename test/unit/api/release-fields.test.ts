// The progressive release in the API's contract: the OpenAPI document describes the strategy a
// request may choose and the result's new fields (optional, so the seed's shape still holds); a
// stored seed-shaped result (a snapshot from before strategies) maps and validates with no new
// key; a malformed strategy is a 400 that reaches no service.
import { describe, expect, it } from 'vitest';
import { envelopes } from '../../../api/deployments/schemas.js';
import type { DeploymentSnapshot } from '../../../domain/deployment.js';
import { bearer, routeApp } from './route-app.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PROGRESSIVE_KEYS = ['strategy', 'steps', 'currentStep', 'trafficWeight', 'bakeEndsAt'];

/** A snapshot as a deployment from before strategies stored it: none of the new fields. */
const stored: DeploymentSnapshot = {
  deploymentId: 'dep_k1l2m3n4o5',
  status: 'COMPLETED',
  stage: 5,
  owner: 'your-org',
  repo: 'your-repo',
  branch: 'main',
  service: 'panda-service',
  cluster: 'panda-cluster',
  startedAt: '2024-01-01T12:00:00.000Z',
  completedAt: '2024-01-01T12:09:00.000Z',
  finalService: 'green',
  blueUrl: 'http://blue.example.com',
  greenUrl: 'http://green.example.com',
  errorMessage: null,
  eventCount: 45,
  blue: { latencyMs: 250, errorRate: 0.01, samples: 10 },
  green: { latencyMs: 180, errorRate: 0.005, samples: 10 },
};

async function result(snapshot: DeploymentSnapshot): Promise<{ status: number; body: Json }> {
  const { app } = routeApp({ deployments: { snapshot: async () => snapshot, watchWindows: async () => [] } });
  const res = await app.request(`/api/v1/deploy/${snapshot.deploymentId}/result`, { headers: bearer('viewer') });
  return { status: res.status, body: (await res.json()) as Json };
}

describe('release strategy fields', () => {
  it('are in the OpenAPI document, and none of the result ones is required', async () => {
    const { app } = routeApp();
    const doc = (await (await app.request('/api-docs')).json()) as Json;
    const resultSchema = doc.components.schemas.DeploymentResult;
    for (const key of PROGRESSIVE_KEYS) expect(resultSchema.properties).toHaveProperty(key);
    expect(resultSchema.required.filter((k: string) => PROGRESSIVE_KEYS.includes(k))).toEqual([]);
    // The seed's fields stay required as they were.
    expect(resultSchema.required).toEqual(
      expect.arrayContaining(['deploymentId', 'status', 'finalService', 'greenLatencyMs', 'eventCount']),
    );
    const strategy = doc.components.schemas.DeployTarget.properties.strategy;
    expect(JSON.stringify(strategy)).toMatch(/blueGreen.*canary.*linear.*steps/s);
  });

  it('leave a stored seed-shaped result as it was, and it still validates', async () => {
    const { status, body } = await result(stored);
    expect(status).toBe(200);
    expect(envelopes.result.safeParse(body).success).toBe(true);
    for (const key of PROGRESSIVE_KEYS) expect(body.data).not.toHaveProperty(key);
    expect(body.data).toMatchObject({
      deploymentId: 'dep_k1l2m3n4o5',
      status: 'COMPLETED',
      finalService: 'green',
      greenLatencyMs: 180,
      eventCount: 45,
      startedAt: '2024-01-01T12:00:00',
    });
  });

  it('show a stepped release where it is', async () => {
    const steps = [{ weight: 10, pause: { approvals: 1 } }, { weight: 50, pause: { minutes: 10 } }, { weight: 100 }];
    const { status, body } = await result({
      ...stored,
      status: 'SWITCHING',
      finalService: null,
      strategy: 'steps',
      steps,
      currentStep: 2,
      trafficWeight: 50,
      bakeEndsAt: '2024-01-01T12:19:00.000Z',
    });
    expect(status).toBe(200);
    expect(envelopes.result.safeParse(body).success).toBe(true);
    expect(body.data).toMatchObject({
      strategy: 'steps',
      steps,
      currentStep: 2,
      trafficWeight: 50,
      bakeEndsAt: '2024-01-01T12:19:00.000Z',
    });
  });

  it('refuse a malformed strategy with a 400 that reaches no service', async () => {
    const { app, calls } = routeApp();
    const bad = [
      { type: 'steps', steps: [{ weight: 50 }, { weight: 20 }, { weight: 100 }] },
      { type: 'steps', steps: [{ weight: 50 }] },
      { type: 'canary', percent: 10, bakeMinutes: 5, extra: 1 },
      { type: 'linear', stepPercent: 1, intervalMinutes: 1 },
      { type: 'rolling' },
    ];
    for (const strategy of bad) {
      const res = await app.request('/api/v1/deploy', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer('deployer') },
        body: JSON.stringify({
          githubConnectionId: 'gh_a1b2c3d4e5',
          awsConnectionId: 'aws_f6g7h8i9j0',
          owner: 'acme',
          repo: 'shop',
          branch: 'main',
          target: { strategy },
        }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ status: 400, message: expect.stringContaining('strategy') });
    }
    expect(calls).toEqual([]);
  });
});
