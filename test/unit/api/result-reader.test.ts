// When GET /result sends the watch's describe alongside the state query: only for a deployment
// last seen at its watched gate. Sources here are plain in-memory readers that log the order of
// calls; test/workflows/watched-hold.test.ts reads the windows through a real workflow.
import { describe, expect, it } from 'vitest';
import type { DeploymentSnapshot, WatchWindow } from '../../../domain/deployment.js';
import { ResultReader, type ResultSources } from '../../../api/deployments/result-reader.js';

const window: WatchWindow = {
  at: '2026-12-07T00:00:00Z',
  blue: { p95Ms: 10, errorRate: 0 },
  green: { p95Ms: 12, errorRate: 0 },
} as WatchWindow;

function sources(states: Record<string, Partial<DeploymentSnapshot>>, describeFails = false) {
  const calls: string[] = [];
  const reader: ResultSources = {
    async snapshot(id) {
      calls.push(`query ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      calls.push(`answer ${id}`);
      return { deploymentId: id, ...states[id] } as DeploymentSnapshot;
    },
    async watchWindows(id) {
      calls.push(`describe ${id}`);
      if (describeFails) throw new Error('describe failed');
      return [window];
    },
  };
  return { calls, reader };
}

const atGate = { status: 'DEPLOYMENT_READY', approvalPolicy: { watch: { intervalSeconds: 10 } } } as unknown as Partial<DeploymentSnapshot>;

describe('ResultReader', () => {
  it('reads the windows after the state the first time, and alongside it while the gate stays open', async () => {
    const states = { dep_a: atGate };
    const { calls, reader } = sources(states);
    const results = new ResultReader(reader);
    expect((await results.read('dep_a')).windows).toEqual([window]);
    expect(calls).toEqual(['query dep_a', 'answer dep_a', 'describe dep_a']);
    calls.length = 0;
    expect((await results.read('dep_a')).windows).toEqual([window]);
    expect(calls).toEqual(['describe dep_a', 'query dep_a', 'answer dep_a']);
  });

  it('sends no describe for a deployment not at a watched gate, and forgets one that left it', async () => {
    const states: Record<string, Partial<DeploymentSnapshot>> = {
      dep_a: atGate,
      dep_b: { status: 'IN_PROGRESS' },
      dep_c: { status: 'DEPLOYMENT_READY' },
    };
    const { calls, reader } = sources(states);
    const results = new ResultReader(reader);
    expect((await results.read('dep_b')).windows).toEqual([]);
    expect((await results.read('dep_c')).windows).toEqual([]);
    expect(calls.filter((c) => c.startsWith('describe'))).toEqual([]);
    await results.read('dep_a');
    states.dep_a = { status: 'COMPLETED' };
    await results.read('dep_a');
    calls.length = 0;
    expect((await results.read('dep_a')).windows).toEqual([]);
    expect(calls).toEqual(['query dep_a', 'answer dep_a']);
    expect(results.size).toBe(0);
  });

  it('remembers a bounded number of gates, oldest forgotten first', async () => {
    const states = Object.fromEntries(['dep_1', 'dep_2', 'dep_3'].map((id) => [id, atGate]));
    const { calls, reader } = sources(states);
    const results = new ResultReader(reader, 2);
    for (const id of ['dep_1', 'dep_2', 'dep_3']) await results.read(id);
    expect(results.size).toBe(2);
    calls.length = 0;
    await results.read('dep_1');
    expect(calls[0]).toBe('query dep_1');
  });

  it('sends the describe again when the early one failed', async () => {
    const { calls, reader } = sources({ dep_a: atGate }, true);
    const results = new ResultReader(reader);
    await expect(results.read('dep_a')).rejects.toThrow('describe failed');
    calls.length = 0;
    await expect(results.read('dep_a')).rejects.toThrow('describe failed');
    expect(calls.filter((c) => c.startsWith('describe'))).toHaveLength(2);
  });
});
