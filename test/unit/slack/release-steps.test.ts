// A stepped release in Slack, rendered as pure Block Kit: the decision button names the next
// step ("Continue to 50 %") next to "Roll back", the message says where the release is, and
// /platform-status shows each running deployment's step and weight. Blue/green keeps the seed's
// labels and text.
import { describe, expect, it } from 'vitest';
import { formatServiceStatus, type ServiceStatus } from '../../../api/slack/status.js';
import { deploymentMessage, ROLL_BACK_ACTION, SWITCH_TRAFFIC_ACTION, type SlackDeploymentView } from '../../../activities/slack/blocks.js';
import { progressText } from '../../../domain/release-progress.js';

type Block = {
  type: string;
  text?: { text: string };
  elements?: { action_id?: string; text: { text: string }; confirm?: { title: { text: string }; confirm: { text: string } } }[];
};

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const gate: SlackDeploymentView = {
  deploymentId: 'dep_step000001',
  status: 'DEPLOYMENT_READY',
  stage: 4,
  owner: 'acme',
  repo: 'shop',
  branch: 'main',
  version: 'v2',
  greenUrl: 'http://green.internal',
  cluster: 'prod',
  service: 'shop',
};
const steps = [{ weight: 10, pause: { approvals: 1 } }, { weight: 50, pause: { minutes: 10 } }, { weight: 100 }];

function buttons(view: SlackDeploymentView) {
  const blocks = deploymentMessage(view, { now: NOW }).blocks as unknown as Block[];
  return blocks
    .find((b) => b.type === 'actions')!
    .elements!.map((e) => ({ id: e.action_id, label: e.text.text, title: e.confirm?.title.text, confirm: e.confirm?.confirm.text }));
}

const sectionTexts = (view: SlackDeploymentView) =>
  (deploymentMessage(view, { now: NOW }).blocks as unknown as Block[]).map((b) => b.text?.text ?? '');

describe('a stepped release in Slack', () => {
  it('names the next step on the approve button, beside Roll back', () => {
    expect(buttons({ ...gate, steps, currentStep: 0, trafficWeight: 0 })).toEqual([
      { id: SWITCH_TRAFFIC_ACTION, label: 'Continue to 10 %', title: 'Continue to 10 %?', confirm: 'Continue' },
      { id: ROLL_BACK_ACTION, label: 'Roll back', title: undefined, confirm: undefined },
    ]);
    expect(buttons({ ...gate, steps, currentStep: 1, trafficWeight: 10 })[0]).toMatchObject({ label: 'Continue to 50 %' });
  });

  it("keeps the seed's labels for blue/green, with or without its one step", () => {
    for (const view of [gate, { ...gate, steps: [{ weight: 100 }], currentStep: 0 }]) {
      expect(buttons(view).map((b) => b.label)).toEqual(['Switch traffic', 'Roll back']);
      expect(buttons(view)[0]).toMatchObject({ title: 'Switch traffic?', confirm: 'Switch' });
      expect(sectionTexts(view).join('\n')).not.toContain('*Release:*');
    }
  });

  it('says where the release is: step, weight on green, time left in the bake, next weight', () => {
    const baking = {
      ...gate,
      status: 'SWITCHING' as const,
      steps,
      currentStep: 2,
      trafficWeight: 50,
      bakeEndsAt: new Date(NOW + 4 * 60_000).toISOString(),
    };
    // Slack does not tick: the bake's end is absolute, the minutes left are as of the update.
    expect(sectionTexts(baking)).toContain(
      ':bar_chart: *Release:* Step 2 of 3 · 50 % on green · bake until 12:04 UTC (4 min left) · next 100 %',
    );
    expect(progressText({ steps, currentStep: 3, trafficWeight: 100 }, NOW)).toBe('Step 3 of 3 · 100 % on green');
    expect(progressText({ steps, currentStep: 1, trafficWeight: 10, bakeEndsAt: new Date(NOW - 1000).toISOString() }, NOW)).toBe(
      'Step 1 of 3 · 10 % on green · next 50 %',
    );
  });

  it("while traffic shifts, shows green against blue from the watch's window with the step; a pause shows them above its buttons", () => {
    const figures = {
      blue: { latencyMs: 20, p50Ms: 18, p95Ms: 31, errorRate: 0, samples: 5 },
      green: { latencyMs: 25, p50Ms: 22, p95Ms: 40, errorRate: 0.2, samples: 5 },
    };
    const shifting = { ...gate, status: 'SWITCHING' as const, steps, currentStep: 2, trafficWeight: 50, ...figures };
    expect(sectionTexts({ ...shifting, figuresAt: '2026-12-07T11:59:42.000Z' })).toContain(
      [
        ':bar_chart: *Release:* Step 2 of 3 · 50 % on green · next 100 %',
        '*Green:* p50 22 ms · p95 40 ms · errors 20.0% · 5 samples',
        '*Blue:* p50 18 ms · p95 31 ms · errors 0.0% · 5 samples _(watch window 11:59:42 UTC)_',
      ].join('\n'),
    );
    // At an approval pause the figures stand once, with the evidence above the buttons.
    const paused = sectionTexts({ ...shifting, status: 'DEPLOYMENT_READY', currentStep: 1, trafficWeight: 10 });
    expect(paused.filter((t) => t.includes('*Green:*'))).toHaveLength(1);
    expect(paused).toContain(':bar_chart: *Release:* Step 1 of 3 · 10 % on green · next 50 %');
  });

  it('/platform-status shows the step and weight of a running stepped release, and nothing new for blue/green', () => {
    const status: ServiceStatus = {
      ecs: { found: true, desiredCount: 2, runningCount: 2, pendingCount: 0, taskDefinition: undefined, taskSets: [] },
      codeDeploy: [],
    };
    const target = { cluster: 'prod', service: 'shop', codeDeployApplication: 'shop-app', codeDeployGroup: 'shop-group' };
    const text = formatServiceStatus(
      target,
      status,
      [
        { deploymentId: 'dep_step000001', status: 'DEPLOYMENT_READY', stage: 4, version: 'v2', steps, currentStep: 1, trafficWeight: 10 },
        { deploymentId: 'dep_blue000001', status: 'IN_PROGRESS', stage: 2, version: 'v3' },
      ],
      NOW,
    );
    expect(text).toContain('• `dep_step000001` DEPLOYMENT_READY · stage 4 · `v2` · Step 1 of 3 · 10 % on green · next 50 %');
    expect(text.endsWith('• `dep_blue000001` IN_PROGRESS · stage 2 · `v3`')).toBe(true);
  });
});
