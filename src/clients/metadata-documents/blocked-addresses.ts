import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Addresses a metadata document is never fetched from, whoever names them (server-side request
 * forgery: the fetch must not reach what only the provider's network can): RFC 6890's
 * special-purpose ranges that are not public unicast, for IPv4 and IPv6.
 */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", the unspecified address
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address of any kind
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** An IPv6 address that carries an IPv4 one (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d). */
const EMBEDDED_IPV4 = /^(?:::ffff:(?:0:)?|::|64:ff9b::)(\d{1,3}(?:\.\d{1,3}){3})$/i;
const EMBEDDED_IPV4_HEX = /^(?:::ffff:(?:0:)?|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** The IPv4 address an IPv6 address stands for, if it stands for one. */
function embeddedIpv4(address: string): string | undefined {
  const dotted = EMBEDDED_IPV4.exec(address);
  if (dotted) return dotted[1];
  const hex = EMBEDDED_IPV4_HEX.exec(address);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

export type AddressKind = 'public' | 'loopback' | 'private';

/** Whether an address (as DNS answers it) is public, loopback or otherwise not to be fetched from. */
export function addressKind(address: string): AddressKind {
  const v4 = isIPv6(address) ? embeddedIpv4(address.toLowerCase()) : address;
  if (v4 !== undefined) {
    if (!isIPv4(v4)) return 'private';
    if (LOOPBACK.check(v4, 'ipv4')) return 'loopback';
    return PRIVATE.check(v4, 'ipv4') ? 'private' : 'public';
  }
  if (!isIPv6(address)) return 'private';
  if (LOOPBACK.check(address, 'ipv6')) return 'loopback';
  return PRIVATE.check(address, 'ipv6') ? 'private' : 'public';
}
