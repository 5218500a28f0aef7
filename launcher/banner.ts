// What `npm start` prints once everything listens: where each part is and how to authenticate.
import type { StoredAdminKey } from '../common/keys/admin-key.js';
import type { Config } from '../common/config/config.js';
import { SANDBOX_CREDENTIALS, SANDBOX_SERVICE, SANDBOX_SLACK, type Sandbox } from '../emulators/sandbox.js';

export interface BannerInput {
  config: Config;
  apiUrl: string;
  temporalAddress: string;
  temporalUi: string | undefined;
  adminKey: StoredAdminKey | undefined;
  sandbox: Sandbox | undefined;
}

export function printBanner({ config, apiUrl, temporalAddress, temporalUi, adminKey, sandbox }: BannerInput): void {
  const lines = [
    '',
    '  Switchyard is running',
    `  API          ${apiUrl}`,
    `  OpenAPI      ${apiUrl}/api-docs   (browse: ${apiUrl}/swagger-ui.html)`,
    `  Health       ${apiUrl}/healthz`,
    `  Temporal     ${temporalAddress}${temporalUi ? `   (embedded dev server, data in ${config.dataDir})` : ''}`,
    `  Temporal UI  ${temporalUi ?? '(external server: see its own UI)'}`,
    `  Task queue   ${config.temporal.taskQueue} in namespace ${config.temporal.namespace}`,
  ];
  if (adminKey?.created) {
    lines.push(`  Admin key    ${adminKey.key}   (new; stored in ${adminKey.path}, shown once)`);
  } else if (adminKey) {
    lines.push(`  Admin key    stored in ${adminKey.path}`);
  } else {
    lines.push('  Admin key    from SWITCHYARD_API_KEY');
  }
  if (sandbox) {
    lines.push(
      '',
      '  ** SANDBOX MODE: GitHub, AWS and the channel APIs are local emulators; nothing leaves this machine **',
      "  (npm start's default; SWITCHYARD_SANDBOX=false runs against the real services)",
      `  GitHub API   ${sandbox.githubApiUrl}   repo ${SANDBOX_SERVICE.owner}/${SANDBOX_SERVICE.repo}, token ${SANDBOX_CREDENTIALS.githubToken}`,
      `  AWS          ${sandbox.awsEndpoint}   key ${SANDBOX_CREDENTIALS.awsAccessKeyId} / ${SANDBOX_CREDENTIALS.awsSecretAccessKey}, ${SANDBOX_CREDENTIALS.region}`,
      `  ECS service  ${SANDBOX_SERVICE.cluster}/${SANDBOX_SERVICE.service}, blue ${sandbox.target.blueUrl}, green ${sandbox.target.greenUrl}`,
      `  Channels     ${sandbox.channels.url}`,
      `  Slack        ${sandbox.slack.url}   sign requests to ${apiUrl}/slack/events with ${SANDBOX_SLACK.signingSecret}; approver ${SANDBOX_SLACK.approver}`,
      `  Web console  ${apiUrl}/   WebSocket ${apiUrl.replace(/^http/, 'ws')}/ws`,
      '  (sandbox-only credentials, accepted by the emulators and nothing else)',
    );
  } else {
    lines.push('  Sandbox mode OFF: talking to the real GitHub, AWS, Slack and channel APIs');
  }
  lines.push('  Ctrl-C stops everything.', '');
  console.log(lines.join('\n'));
}
