// The UI's wording of a run (pure functions): what a rollback, a branch head and a gate without
// figures read like, and that nothing but names and figures goes in.
import { describe, expect, it } from 'vitest';
import {
  deploymentDetails,
  deploymentSummary,
  distributionDetails,
  distributionSummary,
  gateDetails,
} from '../../../domain/run-summaries.js';
import { deploymentInput } from '../../support/deployment-input.js';

describe('run summaries for the Temporal UI', () => {
  it('names the version, or the branch head without one, and a rollback by what it undoes', () => {
    expect(deploymentSummary(deploymentInput('dep_1', { version: 'v1.2.3', requestedBy: 'alice' }))).toBe(
      'shop v1.2.3 → stub-cluster/shop by alice',
    );
    expect(deploymentSummary(deploymentInput('dep_1'))).toBe('shop main → stub-cluster/shop by tester');
    const rollback = deploymentInput('dep_2', {
      rollback: { of: 'dep_1', taskDefinitionArn: 'arn:aws:ecs:x:1:task-definition/shop:3', reason: 'checkout broken' },
    });
    expect(deploymentSummary(rollback)).toBe('rollback of dep_1 → stub-cluster/shop by tester');
    expect(deploymentDetails(rollback)).toContain('**Rollback of** dep_1: checkout broken');
  });

  it('keeps connection ids and channel configs out', () => {
    const details = deploymentDetails(deploymentInput('dep_1'));
    expect(details).not.toMatch(/gh-stub|aws-stub/);
    const input = {
      eventId: 'evt-1',
      channels: [{ type: 'KAKAO_CHANNEL', config: { accessToken: 's3cret' } }],
      contentUrls: { video: 'https://cdn.test/v.mp4', image: undefined },
      requestedBy: 'ci',
    } as Parameters<typeof distributionDetails>[0];
    expect(distributionSummary(input)).toBe('event evt-1 → KAKAO_CHANNEL by ci');
    expect(distributionDetails(input)).toBe('**Event** evt-1\n**Channels** KAKAO_CHANNEL\n**Content** video\n**Requested by** ci');
  });

  it('says at the gate which figures are missing and never counts below zero', () => {
    const text = gateDetails({
      approvals: 1,
      approvalsRequired: 1,
      leftMs: -5000,
      timeoutAt: '2026-12-07T13:00:00.000Z',
      green: { latencyMs: 41.6, errorRate: 0.0125, samples: 20 },
    });
    expect(text).toBe(
      [
        '**Waiting at the gate**: 1 of 1 approval',
        '**Green** 42 ms, 1.3% errors (20 samples)',
        '**Blue** not measured',
        '**Switch timeout** at 2026-12-07T13:00:00.000Z (0 s left when last updated)',
      ].join('\n'),
    );
  });
});
