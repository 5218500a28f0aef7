// GitHub's error body: {"message", "documentation_url"}. Octokit's RequestError takes its
// message from `message`, so these strings are what callers see (and match on).
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const DOCS = 'https://docs.github.com/rest';

export function githubError(c: Context, status: ContentfulStatusCode, message: string, documentationUrl = DOCS) {
  return c.json({ message, documentation_url: documentationUrl }, status);
}

export const notFound = (c: Context, documentationUrl = DOCS) => githubError(c, 404, 'Not Found', documentationUrl);
