// The deployment message in Block Kit: one message per deployment, updated in place as it moves
// (stage changes, ready with the test URL and decision buttons, decision, outcome).
import type { KnownBlock } from '@slack/web-api';
import type { Decision, DeploymentSnapshot, DeploymentStatus } from '../../domain/deployment.js';
import { isStepped } from '../../domain/release-progress.js';
import { continueLabel } from '../../domain/release-strategy.js';
import type { SlackGifs } from '../../common/config/slack.js';
import { evidenceText, releaseText } from './evidence.js';

// Re-exported: api/ may import only this module of activities/ (eslint boundary), and its button handler resends messages.
export { sendWithoutImagesOnRefusal } from './image-fallback.js';

export const SWITCH_TRAFFIC_ACTION = 'switch_traffic';
export const ROLL_BACK_ACTION = 'roll_back';
export const DECISION_BLOCK_ID = 'deployment_decision';

/** What the deployment message shows: fields of the workflow's snapshot, plus who approved. */
export type SlackDeploymentView = Pick<DeploymentSnapshot, 'deploymentId' | 'status' | 'stage' | 'owner' | 'repo' | 'branch'> &
  Partial<
    Pick<
      DeploymentSnapshot,
      | 'version'
      | 'service'
      | 'cluster'
      | 'greenUrl'
      | 'blueUrl'
      | 'errorMessage'
      | 'errorCode'
      | 'decision'
      | 'rollbackOf'
      | 'codeDeployDeploymentId'
      | 'approvals'
      | 'approvalsRequired'
      | 'blue'
      | 'green'
      | 'testTrafficSince'
      | 'steps'
      | 'currentStep'
      | 'trafficWeight'
      | 'bakeEndsAt'
    >
  > & { approvedBy?: string; /** When the watch measured `blue` and `green` (a step's report). */ figuresAt?: string };

export interface MessageOptions {
  gifs?: SlackGifs;
  /** Switchyard's public URL, for a link to the deployment's result. */
  publicUrl?: string;
  /** The clock "green on test traffic for …" is measured against (tests fix it). */
  now?: number;
}

export interface SlackMessageContent {
  text: string;
  blocks: KnownBlock[];
}

const STAGE_NAMES: Record<number, string> = {
  0: 'Queued',
  1: 'Build',
  2: 'ECR push',
  3: 'ECS task definition',
  4: 'CodeDeploy blue/green',
  5: 'Traffic switch',
};

const TITLES: Record<DeploymentStatus, string> = {
  IN_PROGRESS: ':rocket: Deploying',
  DEPLOYMENT_READY: ':hourglass_flowing_sand: Ready for test — waiting for approval',
  SWITCHING: ':twisted_rightwards_arrows: Switching traffic to green',
  COMPLETED: ':white_check_mark: Deployed',
  FAILED: ':x: Deployment failed',
  ROLLED_BACK: ':leftwards_arrow_with_hook: Rolled back',
};

/** `slack:U123` → a Slack mention; anything else (API key labels, "switchyard") as it is. */
export function personLabel(by: string): string {
  const match = by.match(/^slack:([A-Z0-9]+)$/);
  return match ? `<@${match[1]}>` : by;
}

/** Escapes text for Slack mrkdwn. */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function versionLabel(view: Pick<SlackDeploymentView, 'version' | 'branch'>): string {
  return view.version ?? `${view.branch} (branch head)`;
}

function gifFor(status: DeploymentStatus, gifs: SlackGifs | undefined): string | undefined {
  if (!gifs) return undefined;
  if (status === 'COMPLETED') return gifs.success;
  if (status === 'FAILED' || status === 'ROLLED_BACK') return gifs.failure;
  // The ChatOps bot has three GIFs; waiting for the switch is still deploying.
  return gifs.deploying;
}

function decisionOf(view: SlackDeploymentView): Pick<Decision, 'action' | 'by' | 'person' | 'via' | 'reason'> | undefined {
  if (view.decision) return view.decision;
  if (view.approvedBy) return { action: view.status === 'ROLLED_BACK' ? 'rollback' : 'switch', by: view.approvedBy, via: 'slack' };
  return undefined;
}

export function decisionText(view: SlackDeploymentView): string | undefined {
  const decision = decisionOf(view);
  if (!decision) return undefined;
  const who = `${decision.person ? `${esc(decision.person)} as ` : ''}${personLabel(decision.by)}${decision.via ? ` (${decision.via})` : ''}`;
  if (decision.action === 'timeout')
    return `:alarm_clock: No decision in time: stopped and rolled back to blue${decision.reason ? ` (${esc(decision.reason)})` : ''}`;
  if (decision.action === 'rollback')
    return `:leftwards_arrow_with_hook: Rolled back by ${who}${decision.reason ? `: ${esc(decision.reason)}` : ''}`;
  if (view.status === 'COMPLETED') return `:white_check_mark: Traffic switched to green — approved by ${who}`;
  if (view.status === 'FAILED') return `:x: Traffic switch approved by ${who}, then failed`;
  return `:twisted_rightwards_arrows: Traffic switch approved by ${who}`;
}

/** "Approvals: 1 of 2 — @alice (api)", while a policy needs more than one; undefined otherwise. */
function approvalsText(view: SlackDeploymentView): string | undefined {
  const required = view.approvalsRequired ?? 1;
  if (required <= 1) return undefined;
  const given = view.approvals ?? [];
  const who = given.map((a) => `${a.person ? `${esc(a.person)} as ` : ''}${personLabel(a.who)} (${a.via})`).join(', ');
  return `:ballot_box_with_check: *Approvals:* ${given.length} of ${required}${who ? ` — ${who}` : ''}`;
}

/** The message for a deployment in its current state; buttons only while DEPLOYMENT_READY and undecided. */
export function deploymentMessage(view: SlackDeploymentView, options: MessageOptions = {}): SlackMessageContent {
  const repository = `${view.owner}/${view.repo}`;
  const version = versionLabel(view);
  const stage = `${view.stage}/5 · ${STAGE_NAMES[view.stage] ?? `Stage ${view.stage}`}`;
  const decided = decisionText(view);
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: `${TITLES[view.status].replace(/:[a-z_]+: /, '')} ${repository}`.slice(0, 150), emoji: true },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `${TITLES[view.status]} *${esc(repository)}* \`${esc(version)}\`` },
      fields: [
        { type: 'mrkdwn', text: `*Repository*\n${esc(repository)}` },
        { type: 'mrkdwn', text: `*Version*\n${esc(version)}` },
        { type: 'mrkdwn', text: `*Status*\n${view.status}` },
        { type: 'mrkdwn', text: `*Stage*\n${stage}` },
        ...(view.service
          ? [{ type: 'mrkdwn', text: `*Service*\n${esc(view.cluster ? `${view.cluster}/${view.service}` : view.service)}` }]
          : []),
        { type: 'mrkdwn', text: `*Deployment*\n\`${view.deploymentId}\`` },
      ],
    },
  ];
  const gif = gifFor(view.status, options.gifs);
  if (gif) blocks.push({ type: 'image', image_url: gif, alt_text: view.status.toLowerCase().replace(/_/g, ' ') });
  if (view.status === 'DEPLOYMENT_READY' && view.greenUrl) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `:test_tube: *Test URL:* <${view.greenUrl}|${esc(view.greenUrl)}>\nTest green, then switch production traffic or roll back.`,
      },
    });
  }
  const evidence = view.status === 'DEPLOYMENT_READY' && !decided ? evidenceText(view, options.now ?? Date.now()) : undefined;
  if (evidence) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: evidence } });
  const approvals = approvalsText(view);
  if (view.status === 'DEPLOYMENT_READY' && !decided && approvals)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: approvals } });
  const now = options.now ?? Date.now();
  const release = releaseText(view, now);
  if (release) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: release } });
  if (view.status === 'DEPLOYMENT_READY' && !decided) {
    // A stepped release approves its next step ("Continue to 50 %"); blue/green keeps the ChatOps bot's switch.
    const label = isStepped(view) ? continueLabel(view, view.currentStep ?? 0) : 'Switch traffic';
    const ask = isStepped(view) ? `${label}?` : 'Switch traffic?';
    blocks.push({
      type: 'actions',
      block_id: DECISION_BLOCK_ID,
      elements: [
        {
          type: 'button',
          action_id: SWITCH_TRAFFIC_ACTION,
          style: 'primary',
          value: view.deploymentId,
          text: { type: 'plain_text', text: label, emoji: true },
          // The dialog restates the evidence: a switch is never a blind (or fat-fingered) click.
          confirm: {
            title: { type: 'plain_text', text: ask },
            text: {
              type: 'mrkdwn',
              text: `${isStepped(view) ? `${label} of production traffic of ${esc(repository)} on green` : `Send production traffic of ${esc(repository)} to green`} (\`${esc(version)}\`).${evidence ? `\n${evidence}` : ''}`.slice(
                0,
                300,
              ),
            },
            confirm: { type: 'plain_text', text: isStepped(view) ? 'Continue' : 'Switch' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
        {
          type: 'button',
          action_id: ROLL_BACK_ACTION,
          style: 'danger',
          value: view.deploymentId,
          text: { type: 'plain_text', text: 'Roll back', emoji: true },
        },
      ],
    });
  }
  if (decided) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: decided } });
  if ((view.status === 'FAILED' || view.status === 'ROLLED_BACK') && view.errorMessage && view.decision?.action !== 'rollback') {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Error${view.errorCode ? ` (${view.errorCode})` : ''}:* ${esc(view.errorMessage)}` },
    });
  }
  const context = [`Deployment \`${view.deploymentId}\``];
  if (view.rollbackOf) context.push(`rollback of \`${view.rollbackOf}\``);
  if (options.publicUrl) context.push(`<${options.publicUrl.replace(/\/+$/, '')}/api/v1/deploy/${view.deploymentId}/result|result>`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });

  const text = [`${TITLES[view.status]} ${repository} ${version} — ${view.status}, stage ${view.stage} (${view.deploymentId})`, decided]
    .filter(Boolean)
    .join('\n');
  return { text, blocks: blocks as unknown as KnownBlock[] };
}

/** The message view of a workflow snapshot (the API's and the workflow's shared shape). */
export function viewOfSnapshot(snapshot: DeploymentSnapshot): SlackDeploymentView {
  return { ...snapshot, ...(snapshot.decision ? { approvedBy: snapshot.decision.by } : {}) };
}
