// Which addresses a health probe may never reach, in every spelling an address can take.
import { describe, expect, it } from 'vitest';
import { isForbiddenProbeAddress } from '../common/probe-addresses.js';

describe('forbidden probe addresses', () => {
  it.each([
    '169.254.169.254', '169.254.170.2', '169.254.0.1', '[fd00:ec2::254]', 'fd00:ec2::254', 'fd00:ec2::23', 'fe80::1', 'fe80::1%eth0',
    '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::169.254.169.254', '100.100.100.200', '168.63.129.16',
  ])('refuses %s', (address) => {
    expect(isForbiddenProbeAddress(address)).toBe(true);
  });

  it.each(['127.0.0.1', '10.0.0.5', '::1', '::ffff:10.0.0.1', 'fd00:ec3::254', 'green.example.com', '169.254.example.com', '169.255.0.1'])('lets %s through', (address) => {
    expect(isForbiddenProbeAddress(address)).toBe(false);
  });
});
