// Addresses a health probe may never reach, whatever DEPLOY_PROBE_HOSTS says: link-local ranges
// and the cloud metadata services on them (AWS IMDS 169.254.169.254 and fd00:ec2::254, the ECS
// task metadata endpoint 169.254.170.2, GCP and Azure metadata), where a worker's credentials live.
// Green runs the deployer's code, so any address a probe reaches is one the deployer chose.
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
blocked.addSubnet('169.254.0.0', 16, 'ipv4'); // IPv4 link-local: AWS/GCP/Azure/ECS metadata
blocked.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud metadata
blocked.addAddress('168.63.129.16', 'ipv4'); // Azure WireServer
blocked.addSubnet('fe80::', 10, 'ipv6'); // IPv6 link-local
blocked.addSubnet('fd00:ec2::', 32, 'ipv6'); // AWS's IMDS, DNS and NTP over IPv6 (fd00:ec2::254, …)

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:|64:ff9b::)(?:0:)?((?:\d{1,3}\.){3}\d{1,3})$/i.exec(address);
  if (match) return match[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for an IP address no probe may reach; false for names and other addresses. */
export function isForbiddenProbeAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family !== 6) return false;
  const inner = embeddedIpv4(bare);
  return inner !== undefined ? blocked.check(inner, 'ipv4') : blocked.check(bare, 'ipv6');
}

export const FORBIDDEN_PROBE_ADDRESSES = 'link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::/32, …)';
