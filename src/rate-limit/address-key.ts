import { isIPv6 } from 'node:net';

/**
 * The key under which a client address is counted: an IPv4 address as it is (also when it arrives
 * IPv4-mapped, ::ffff:192.0.2.1), an IPv6 address by its /64, which one host or home usually holds
 * whole: counting single IPv6 addresses would give each attacker 2^64 budgets.
 */
export function addressKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  const [head, tail = ''] = ip.toLowerCase().split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
