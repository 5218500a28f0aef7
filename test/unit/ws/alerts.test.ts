// The WebSocket alerts come from what the workflow states (event type, details.milestone), not
// from its wording: the same events under other words give the same alerts.
import { describe, expect, it } from 'vitest';
import { alertFor, milestoneOf } from '../../../api/ws/alerts.js';
import type { DeploymentMilestone } from '../../../domain/deployment-milestones.js';
import type { WorkflowEvent } from '../../../workflows/shared/event-log.js';

const event = (type: string, message: string, details: Record<string, unknown> = {}): WorkflowEvent => ({
  seq: 7,
  type,
  message,
  details,
  at: '2026-01-01T00:00:00.000Z',
});
const milestone = (value: DeploymentMilestone) => ({ milestone: value });

describe('WebSocket alerts', () => {
  it('alerts the gate from details.milestone, with the switch and rollback actions', () => {
    const waiting = event('stage', 'any wording at all', milestone('awaiting_decision'));
    expect(alertFor('dep_1', waiting)).toEqual({
      level: 'warning',
      title: 'Deployment dep_1 is waiting for approval',
      message: 'any wording at all',
      category: 'approval',
      source: 'deployment_workflow',
      actions: [
        { label: 'Switch traffic', action: 'switch' },
        { label: 'Roll back', action: 'rollback' },
      ],
      metadata: {
        deployment_id: 'dep_1',
        seq: 7,
        event_type: 'stage',
        details: { milestone: 'awaiting_decision' },
        at: '2026-01-01T00:00:00.000Z',
      },
    });
  });

  it("does not read the text: the seed's gate message without the milestone raises nothing", () => {
    expect(alertFor('dep_1', event('stage', '[Stage 4] Green 서비스 배포 완료 - 트래픽 전환 대기 중'))).toBeUndefined();
  });

  it('alerts a failure as an error, and not the answers a person gave (switched, rolled back)', () => {
    expect(alertFor('dep_1', event('fail', 'boom'))).toMatchObject({
      level: 'error',
      title: 'Deployment dep_1 failed',
      message: 'boom',
      category: 'deployment',
      actions: [{ action: 'view_result' }],
    });
    // A rollback ends in a fail event: that is the alert, whatever milestone it carries.
    expect(alertFor('dep_1', event('fail', 'rolled back', milestone('rolled_back')))?.level).toBe('error');
    expect(alertFor('dep_1', event('stage', 'switched', milestone('switched')))).toBeUndefined();
    expect(alertFor('dep_1', event('stage', 'rolled back', milestone('rolled_back')))).toBeUndefined();
  });

  it('reads only the milestones Switchyard defines', () => {
    expect(milestoneOf(event('stage', 'x', milestone('switched')))).toBe('switched');
    expect(milestoneOf(event('stage', 'x', { milestone: 'AWAITING_DECISION' }))).toBeUndefined();
    expect(milestoneOf(event('stage', 'x', { milestone: ['awaiting_decision'] }))).toBeUndefined();
    expect(alertFor('dep_1', event('stage', 'x', { milestone: 'toString' }))).toBeUndefined();
  });

  it('tells a progressive step as information, with its weight in the details', () => {
    const moved = alertFor('dep_1', event('stage', 'any words', { milestone: 'step', step: 1, weight: 50 }));
    expect(moved).toMatchObject({
      level: 'info',
      category: 'deployment',
      title: 'Deployment dep_1 moved a traffic step',
      metadata: { details: { step: 1, weight: 50 } },
    });
  });
});
