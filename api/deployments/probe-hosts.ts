// Which hosts a deploy request's probe URLs (target.blueUrl/greenUrl) may name: the worker fetches
// them, so a deployer must not point it anywhere else (DEPLOY_PROBE_HOSTS plus the hosts of the
// configured default URLs; link-local and metadata addresses never).
import { isForbiddenProbeAddress } from '../../common/probe-addresses.js';

export class ProbeHostPolicy {
  private readonly hosts: Set<string>;

  constructor(listed: readonly string[] = [], defaultUrls: readonly (string | undefined)[] = []) {
    this.hosts = new Set(listed.map((h) => h.toLowerCase()));
    for (const url of defaultUrls) if (url) this.hosts.add(new URL(url).host.toLowerCase());
  }

  /** A URL is allowed when its `host:port` or its bare host name is listed (http and https only). */
  allows(url: string): boolean {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
    // Link-local and metadata addresses never, listed or not (the probe activity refuses them too).
    if (isForbiddenProbeAddress(parsed.hostname)) return false;
    return this.hosts.has(parsed.host.toLowerCase()) || this.hosts.has(parsed.hostname.toLowerCase());
  }

  /** The allowed hosts, for the refusal's words. */
  describe(): string {
    return [...this.hosts].join(', ') || 'none configured';
  }
}
