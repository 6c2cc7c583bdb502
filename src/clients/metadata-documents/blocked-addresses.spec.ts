import { addressKind } from './blocked-addresses';

describe('addressKind', () => {
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::6810:85e5', '2a00:1450:4001:82a::200e', '::ffff:93.184.216.34'])(
    'lets the public address %s through',
    (address) => {
      expect(addressKind(address)).toBe('public');
    },
  );

  it.each(['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1'])(
    'knows %s as loopback',
    (address) => {
      expect(addressKind(address)).toBe('loopback');
    },
  );

  it.each([
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'CGNAT'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:a00:1', 'IPv4-mapped private, hex'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['64:ff9b::a00:1', 'NAT64 of a private address'],
    ['2002:a00:1::', '6to4'],
    ['not an address', 'not an address'],
  ])('refuses %s (%s)', (address) => {
    expect(addressKind(address)).toBe('private');
  });
});
