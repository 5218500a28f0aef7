// Why: Slack refuses a message whose GIF it cannot fetch; this resends it without images so buttons survive.
/** Slack's refusal of blocks it cannot render, e.g. an image_url it cannot download: `invalid_blocks` with `errors: ["downloading image failed [json-pointer:/blocks/2/image_url]"]`. */
const BLOCK_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format']);

export function isInvalidBlocksError(error: unknown): boolean {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' && BLOCK_ERRORS.has(data.error);
}

export function hasImageBlocks(blocks: readonly unknown[] | undefined): boolean {
  return (blocks ?? []).some((b) => (b as { type?: unknown }).type === 'image');
}

export function withoutImageBlocks<T>(blocks: readonly T[]): T[] {
  return blocks.filter((b) => (b as { type?: unknown }).type !== 'image');
}

/**
 * Sends blocks; when Slack refuses them (`invalid_blocks`, as for an unfetchable GIF) and they
 * hold an image, sends the same call again without the image(s): a GIF never costs the buttons.
 */
export async function sendWithoutImagesOnRefusal<T, B>(blocks: readonly B[], send: (blocks: B[]) => Promise<T>): Promise<T> {
  try {
    return await send([...blocks]);
  } catch (error) {
    if (!isInvalidBlocksError(error) || !hasImageBlocks(blocks)) throw error;
    return await send(withoutImageBlocks(blocks));
  }
}
