// Which addresses a health probe may never reach, in every spelling an address can take, and the
// connection lookup that refuses a host name resolving to one of them.
import { describe, expect, it } from 'vitest';
import { guardLookup } from '../../activities/deployment/probe-request.js';
import { isForbiddenProbeAddress } from '../../common/probe-addresses.js';

describe('forbidden probe addresses', () => {
  it.each([
    '169.254.169.254',
    '169.254.170.2',
    '169.254.0.1',
    '[fd00:ec2::254]',
    'fd00:ec2::254',
    'fd00:ec2::23',
    'fe80::1',
    'fe80::1%eth0',
    '::ffff:169.254.169.254',
    '::ffff:a9fe:a9fe',
    '64:ff9b::169.254.169.254',
    '100.100.100.200',
    '168.63.129.16',
  ])('refuses %s', (address) => {
    expect(isForbiddenProbeAddress(address)).toBe(true);
  });

  it.each(['127.0.0.1', '10.0.0.5', '::1', '::ffff:10.0.0.1', 'fd00:ec3::254', 'green.example.com', '169.254.example.com', '169.255.0.1'])(
    'lets %s through',
    (address) => {
      expect(isForbiddenProbeAddress(address)).toBe(false);
    },
  );
});

describe("a probe connection's DNS lookup", () => {
  // A name whose DNS answer the test chooses: what a deployer controlling a zone could make it say.
  const resolvingTo = (...addresses: string[]) =>
    guardLookup((_host, _options, callback) => {
      callback(
        null,
        addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    });
  const lookUp = (lookup: ReturnType<typeof guardLookup>, all: boolean) =>
    new Promise<{ error: (Error & { code?: string }) | null; result: unknown }>((resolve) => {
      lookup('green.attacker.example', { all } as never, ((error: Error | null, result: unknown) => resolve({ error, result })) as never);
    });

  it('refuses a name that resolves to a metadata address, even as its second answer', async () => {
    for (const lookup of [resolvingTo('169.254.169.254'), resolvingTo('10.0.0.7', 'fd00:ec2::254')]) {
      const { error } = await lookUp(lookup, true);
      expect(error?.code).toBe('EPROBEREFUSED');
      expect(error?.message).toMatch(/^refused: green\.attacker\.example resolves to (169\.254\.169\.254|fd00:ec2::254)/);
    }
  });

  it('passes other answers through, in either lookup form', async () => {
    expect(await lookUp(resolvingTo('10.0.0.7'), true)).toEqual({ error: null, result: [{ address: '10.0.0.7', family: 4 }] });
    const single = await new Promise<unknown[]>((resolve) => {
      resolvingTo('10.0.0.7')('green.example', {} as never, ((...args: unknown[]) => resolve(args)) as never);
    });
    expect(single).toEqual([null, '10.0.0.7', 4]);
  });
});
