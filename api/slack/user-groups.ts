// Which of a policy's Slack user groups a user is in (usergroups.users.list, scope
// usergroups:read): what the approval policy needs to count a group member. A group Slack cannot
// list counts as not a member, so a refusal then names the user.
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../common/logger.js';

export async function slackGroupsOf(
  slack: WebClient | undefined,
  userId: string,
  groups: readonly string[],
  logger: Logger,
): Promise<string[]> {
  if (!slack || groups.length === 0) return [];
  const member: string[] = [];
  for (const usergroup of groups) {
    try {
      const { users } = await slack.usergroups.users.list({ usergroup });
      if (users?.includes(userId)) member.push(usergroup);
    } catch (error) {
      logger.warn({ err: error, usergroup }, 'Slack user group could not be listed');
    }
  }
  return member;
}
