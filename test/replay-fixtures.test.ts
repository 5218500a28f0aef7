// Replays the recorded histories in test/histories/ (one per workflow, recorded with
// test/histories/record.ts) against the current workflow code: a change that would break
// workflows already running fails here, and needs `patched()`.
import { readdirSync, readFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { installQuietRuntime } from './support/quiet-runtime.js';

const folder = new URL('./histories/', import.meta.url);
const fixtures = readdirSync(folder).filter((file) => file.endsWith('.json'));

describe('replay of recorded histories', () => {
  // Each replay starts and stops a worker: five INFO lines per fixture at the default level.
  beforeAll(installQuietRuntime);

  it('has a recorded history for every workflow', () => {
    expect(fixtures.sort()).toEqual([
      'deployment-governed.json',
      'deployment-hook.json',
      'deployment-merged.json',
      'deployment-notice.json',
      'deployment.json',
      'distribution-continued.json',
      'distribution-continuing.json',
      'distribution-one-activity.json',
      'distribution.json',
      'freezes.json',
      'service-deployments-held.json',
      'service-deployments.json',
      'worker-probe.json',
    ]);
  });

  for (const file of fixtures) {
    it(`replays ${file} deterministically`, async () => {
      // Saved with the message's toJSON(); fromObject reads that form back (longs as strings, bytes
      // as base64). The SDK's historyFromJSON expects canonical proto3 JSON instead.
      const history = proto.temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(new URL(file, folder), 'utf8')));
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file),
      ).resolves.toBeUndefined();
    });
  }
});
