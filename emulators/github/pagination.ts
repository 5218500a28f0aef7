// GitHub's page/per_page pagination with the Link header Octokit's paginate() follows.
import type { Context } from 'hono';

export function paginate<T>(c: Context, items: T[], options: { defaultPerPage?: number } = {}): T[] {
  const perPage = clamp(Number(c.req.query('per_page') ?? options.defaultPerPage ?? 30), 1, 100, options.defaultPerPage ?? 30);
  const page = clamp(Number(c.req.query('page') ?? 1), 1, Number.MAX_SAFE_INTEGER, 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));

  const link = (p: number, rel: string) => {
    const url = new URL(c.req.url);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(p));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'), link(1, 'first'));
  if (page < lastPage) links.push(link(page + 1, 'next'), link(lastPage, 'last'));
  if (links.length > 0) c.header('link', links.join(', '));

  return items.slice((page - 1) * perPage, page * perPage);
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  return Number.isInteger(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
