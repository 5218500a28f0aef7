// Why: the CodeDeploy test-traffic notice is its own message, apart from the deployment message in blocks.ts.
import type { KnownBlock } from '@slack/web-api';
import { esc, type SlackMessageContent } from './blocks.js';

/** The AfterAllowTestTraffic Lambda's "ECS 배포: 테스트 대기 중" notice, sent when CodeDeploy opens test traffic to green. */
export interface TestNoticeInput {
  deploymentId: string;
  codeDeployDeploymentId: string;
  testUrl: string | undefined;
  gif?: string;
  /** ECS: `codeDeployDeploymentId` holds the ECS service deployment ARN, and the notice says so. */
  engine?: 'ECS';
  /** Once the gate is decided (or the deployment ended): what happened, instead of how to approve. */
  outcome?: string;
}

export function waitingForTestMessage(input: TestNoticeInput): SlackMessageContent {
  const testUrl = input.testUrl ? `<${input.testUrl}|${esc(input.testUrl)}>` : '(no test URL configured)';
  const approve = input.outcome
    ? `*Decided:* ${esc(input.outcome)}`
    : `After testing, approve with the *Switch traffic* button on the deployment message (or \`POST /api/v1/deploy/${input.deploymentId}/switch\`); reject with *Roll back*.`;
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: '✅ ECS 배포: 테스트 대기 중 (ECS deployment: waiting for test)', emoji: true } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Deployment*\n\`${input.deploymentId}\`` },
        {
          type: 'mrkdwn',
          text: `*${input.engine === 'ECS' ? 'ECS service deployment' : 'CodeDeploy'}*\n\`${esc(input.codeDeployDeploymentId)}\``,
        },
        { type: 'mrkdwn', text: `*Test URL*\n${testUrl}` },
      ],
    },
    { type: 'section', text: { type: 'mrkdwn', text: approve } },
  ];
  if (input.gif && !input.outcome) blocks.push({ type: 'image', image_url: input.gif, alt_text: 'waiting for test' });
  const next = input.outcome
    ? `Decided: ${input.outcome}`
    : `Approve with Switch traffic or POST /api/v1/deploy/${input.deploymentId}/switch`;
  return {
    text: `✅ ECS 배포: 테스트 대기 중 — ${input.deploymentId} (${input.engine === 'ECS' ? 'ECS service deployment' : 'CodeDeploy'} ${input.codeDeployDeploymentId}), test URL: ${input.testUrl ?? 'n/a'}. ${next}`,
    blocks: blocks as unknown as KnownBlock[],
  };
}
