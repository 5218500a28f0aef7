// Cross-site WebSocket hijacking: a page elsewhere could open /ws with a key it holds (or
// ?token=), so the upgrade checks the browser's Origin first.

/**
 * Whether a WebSocket upgrade may proceed, by its `Origin`: no Origin (a non-browser client) always
 * may; otherwise the origin must be in the allowlist, or, with none configured, be the same
 * origin, i.e. its host equal the request's Host.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  const normalized = origin.trim().replace(/\/$/, '').toLowerCase();
  if (allowed.length > 0) return allowed.some((entry) => entry === '*' || entry.replace(/\/$/, '').toLowerCase() === normalized);
  try {
    return host !== undefined && new URL(normalized).host === host.trim().toLowerCase();
  } catch {
    return false;
  }
}
