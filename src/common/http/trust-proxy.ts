import { isIP } from 'node:net';

/** What Fastify's `trustProxy` takes: nobody, these addresses and ranges, or "the nearest n hops". */
export type TrustProxy = false | string[] | ((address: string, hop: number) => boolean);

const MAX_BITS = { 4: 32, 6: 128 } as const;

/** `loopback`, an address, or an address/prefix-length range (CIDR). */
function isTrustedEntry(entry: string): boolean {
  if (entry === 'loopback') return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address) as 0 | 4 | 6;
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= MAX_BITS[family]);
}

/**
 * TRUST_PROXY as Fastify's `trustProxy`, or undefined when it is none of: `false`, a hop count,
 * or a comma-separated list of `loopback`, addresses and CIDR ranges.
 *
 * A hop count trusts the nearest n peers whoever they are (Fastify's own number option trusts
 * nobody, as it cannot vouch for the immediate peer): right only when nothing reaches this port
 * but through the proxies.
 */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const setting = value.trim();
  if (setting === 'false') return false;
  if (/^\d+$/.test(setting)) {
    const hops = Number(setting);
    return hops >= 1 && hops <= 16 ? (_address, hop) => hop < hops : undefined;
  }
  const entries = setting.split(',').map((entry) => entry.trim());
  return entries.every(isTrustedEntry) ? entries : undefined;
}
