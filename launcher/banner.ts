// What `npm start` prints once everything listens: where each part is and how to authenticate.
import type { StoredAdminKey } from '../common/admin-key.js';
import type { Config } from '../common/config.js';

export interface BannerInput {
  config: Config;
  apiUrl: string;
  temporalAddress: string;
  temporalUi: string | undefined;
  adminKey: StoredAdminKey | undefined;
}

export function printBanner({ config, apiUrl, temporalAddress, temporalUi, adminKey }: BannerInput): void {
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
  lines.push(
    config.sandbox
      ? '  ** SANDBOX MODE: GitHub, AWS, Slack and the channel APIs are local emulators; nothing leaves this machine **'
      : '  Sandbox mode OFF: talking to the real GitHub, AWS, Slack and channel APIs',
    '  Ctrl-C stops everything.',
    '',
  );
  console.log(lines.join('\n'));
}
