// Why: the caption rules (text + hashtags, Graph's limits) are checked before any remote call; kept apart from the flow.
import { PermanentChannelError } from './errors.js';

const CHANNEL = 'INSTAGRAM';
/** Graph's documented caption limits; checked here so a bad caption fails before any remote call. */
const MAX_CAPTION_LENGTH = 2_200;
const MAX_HASHTAGS = 30;

/** The caption is the configured text followed by the configured hashtags. */
export function buildCaption(config: Record<string, unknown>): string {
  const text = typeof config.caption === 'string' ? config.caption.trim() : '';
  const hashtags = Array.isArray(config.hashtags)
    ? config.hashtags
        .filter((tag): tag is string => typeof tag === 'string' && tag.trim().length > 0)
        .map((tag) => (tag.trim().startsWith('#') ? tag.trim() : `#${tag.trim()}`))
    : [];
  const caption = [text, hashtags.join(' ')].filter((part) => part.length > 0).join('\n\n');
  if (caption.length > MAX_CAPTION_LENGTH) {
    throw new PermanentChannelError(CHANNEL, `caption is ${caption.length} characters; Instagram allows ${MAX_CAPTION_LENGTH}`);
  }
  const tagCount = caption.match(/#[^\s#]+/g)?.length ?? 0;
  if (tagCount > MAX_HASHTAGS) {
    throw new PermanentChannelError(CHANNEL, `caption has ${tagCount} hashtags; Instagram allows ${MAX_HASHTAGS}`);
  }
  return caption;
}
