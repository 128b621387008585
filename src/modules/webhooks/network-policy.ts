import { BlockList, isIP } from 'node:net';

/** Loopback, private, link-local (cloud metadata), shared, reserved and multicast ranges: not the public internet. */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 one carries (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:ab:cd::`). */
function embeddedIpv4(address: string): string | undefined {
  const lowered = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lowered);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lowered);
  const sixToFour = /^2002:([0-9a-f]{1,4}):([0-9a-f]{1,4}):/.exec(lowered);
  const pair = hex ?? sixToFour;
  if (!pair) return undefined;
  const [high, low] = [parseInt(pair[1], 16), parseInt(pair[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Whether an IP address is anything but a public internet address. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new Error(`Not an IP address: ${address}`);
  if (family === 4) return NON_PUBLIC.check(address, 'ipv4');
  const inner = embeddedIpv4(address);
  return NON_PUBLIC.check(address, 'ipv6') || (inner !== undefined && NON_PUBLIC.check(inner, 'ipv4'));
}

export interface ParsedWebhookUrl {
  url: URL;
  /** The host without IPv6 brackets. */
  host: string;
  /** Set when the host is an IP address (no name to resolve). */
  literalAddress?: string;
}

const PRIVATE_HINT = 'URLs on loopback or private networks are refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS=true';

/** Reads a webhook URL's shape; answers the problem to report, or the parsed URL. */
export function parseWebhookUrl(raw: string): ParsedWebhookUrl | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `"${raw}" is not an absolute URL (e.g. https://example.com/hooks/carnet)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the URL must use https, not ${url.protocol}`;
  if (url.username || url.password) return 'the URL must not carry a user name or password';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return 'the URL has no host';
  return isIP(host) ? { url, host, literalAddress: host } : { url, host };
}

/**
 * Whether a URL may be called at the addresses its host resolves to: https for public addresses; loopback and
 * private ones (over http or https) only when allowed. Answers the problem, or undefined when it may be called.
 */
export function addressProblem(url: URL, addresses: readonly string[], allowPrivate: boolean): string | undefined {
  if (addresses.length === 0) return `${url.hostname} does not resolve to any address`;
  for (const address of addresses) {
    if (isPrivateAddress(address)) {
      if (!allowPrivate)
        return `${url.hostname} resolves to ${address}, a loopback or private address: ${PRIVATE_HINT}`;
    } else if (url.protocol !== 'https:') {
      return `the URL must use https (${url.hostname} is a public address)`;
    }
  }
  return undefined;
}
