// Search attributes are how the API lists and filters runs through Temporal visibility, and how
// operators find them in the Temporal UI. Registered by the launcher and the test setup.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SwitchyardKind = defineSearchAttributeKey('SwitchyardKind', SearchAttributeType.KEYWORD);
export const SwitchyardStatus = defineSearchAttributeKey('SwitchyardStatus', SearchAttributeType.KEYWORD);
export const DeployService = defineSearchAttributeKey('DeployService', SearchAttributeType.KEYWORD);
export const DeployRepository = defineSearchAttributeKey('DeployRepository', SearchAttributeType.KEYWORD);
export const CodeDeployDeploymentId = defineSearchAttributeKey('CodeDeployDeploymentId', SearchAttributeType.KEYWORD);
export const DistributionEventId = defineSearchAttributeKey('DistributionEventId', SearchAttributeType.KEYWORD);
/** The commit a deployment builds, and the digest of the image its task definition names. */
export const DeployCommitSha = defineSearchAttributeKey('DeployCommitSha', SearchAttributeType.KEYWORD);
export const DeployImageDigest = defineSearchAttributeKey('DeployImageDigest', SearchAttributeType.KEYWORD);
export const DeployStage = defineSearchAttributeKey('DeployStage', SearchAttributeType.INT);

export const SEARCH_ATTRIBUTES = [
  SwitchyardKind,
  SwitchyardStatus,
  DeployService,
  DeployRepository,
  CodeDeployDeploymentId,
  DistributionEventId,
  DeployStage,
  DeployCommitSha,
  DeployImageDigest,
];

const CLI_TYPE_NAMES: Record<string, string> = { [SearchAttributeType.KEYWORD]: 'Keyword', [SearchAttributeType.INT]: 'Int' };

/** `--search-attribute Name=Type` arguments for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${CLI_TYPE_NAMES[key.type]}`]);
}
