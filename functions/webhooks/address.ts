import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may be delivered. In AWS: `https` to hosts whose every address is public,
 * so a subscription cannot make the delivery function reach the cloud's metadata service, a
 * private network or itself. The address checked is the address connected to (`pinnedLookup`):
 * a DNS answer that changes between the check and the connection (rebinding) changes nothing.
 * Locally (`npm start`), plain http and the loopback address 127.0.0.1 are allowed too, for a
 * receiver under development (`http://127.0.0.1:<port>`, `http://localhost:<port>`).
 */

export interface AddressPolicy {
  /** The local runtime: the loopback address (and plain http to it) is allowed. */
  allowLoopback: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** DNS resolution, swappable in tests (a rebinding resolver). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/**
 * Everything that is not the public internet (IANA special-purpose registries). Two lists: a
 * BlockList matches IPv4 addresses against its IPv6 rules too (as IPv4-mapped), and the
 * IPv4-mapped range is refused as a whole. Built on first check: every function's bundle
 * carries this module (the shared wiring), and building them costs about a millisecond of
 * its cold start, for the few that check a webhook address.
 */
let notPublic: { v4: BlockList; v6: BlockList } | undefined;

const notPublicLists = (): { v4: BlockList; v6: BlockList } => {
  if (notPublic) return notPublic;
  const v4 = new BlockList();
  const v6 = new BlockList();
  for (const [network, prefix] of [
    ['0.0.0.0', 8], // "this" network
    ['10.0.0.0', 8],
    ['100.64.0.0', 10], // carrier-grade NAT
    ['127.0.0.0', 8],
    ['169.254.0.0', 16], // link-local, the instance metadata service
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.88.99.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, broadcast
  ] as const) {
    v4.addSubnet(network, prefix, 'ipv4');
  }
  for (const [network, prefix] of [
    ['::', 96], // unspecified, loopback, IPv4-compatible
    ['::ffff:0:0', 96], // IPv4-mapped: whatever it maps to, never needed for a public host
    ['64:ff9b::', 96], // NAT64, which can embed a private IPv4 address
    ['100::', 64], // discard
    ['2001::', 23], // IETF protocol assignments (Teredo...)
    ['2001:db8::', 32], // documentation
    ['2002::', 16], // 6to4, which can embed a private IPv4 address
    ['fc00::', 7], // unique local
    ['fe80::', 10], // link-local
    ['fec0::', 10], // site-local (deprecated)
    ['ff00::', 8], // multicast
  ] as const) {
    v6.addSubnet(network, prefix, 'ipv6');
  }
  notPublic = { v4, v6 };
  return notPublic;
};

const LOOPBACK = '127.0.0.1';

/** Whether an IP address is on the public internet. */
export const isPublicAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 0) return false;
  const { v4, v6 } = notPublicLists();
  return family === 6 ? !v6.check(address, 'ipv6') : !v4.check(address, 'ipv4');
};

const allowedAddress = (address: string, policy: AddressPolicy): boolean =>
  isPublicAddress(address) || (policy.allowLoopback && address === LOOPBACK);

/** The host as the resolver and the address checks take it (`[::1]` -> `::1`). */
const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

/**
 * The problem with a webhook URL as written (undefined: none), before any DNS: the admin's
 * 400 on create, and the delivery's first check.
 */
export const urlProblem = (raw: string, policy: AddressPolicy): string | undefined => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'An https:// address';
  }
  if (url.username || url.password) return 'An address without a user name or password';
  const host = hostOf(url);
  // Locally plain http too (a receiver under development); the address checks still apply.
  if (url.protocol !== 'https:' && !(policy.allowLoopback && url.protocol === 'http:')) {
    return policy.allowLoopback ? 'An http:// or https:// address' : 'An https:// address';
  }
  if (isIP(host) && !allowedAddress(host, policy)) return 'A public address (not a private or local one)';
  if (
    !isIP(host) &&
    !policy.allowLoopback &&
    (!host.includes('.') || /\.(local|localhost|internal)$/i.test(host))
  ) {
    return 'A public host name';
  }
  return undefined;
};

/**
 * Resolves the URL's host and checks every address it has; the one to connect to, or a problem.
 * Every address must pass, not only the first: the client could pick any of them.
 */
export const resolveDeliveryAddress = async (
  raw: string,
  policy: AddressPolicy,
  resolver: Resolver,
): Promise<{ address: ResolvedAddress } | { problem: string }> => {
  const problem = urlProblem(raw, policy);
  if (problem) return { problem };
  const host = hostOf(new URL(raw));
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  try {
    addresses = family ? [{ address: host, family: family === 6 ? 6 : 4 }] : await resolver(host);
  } catch {
    return { problem: 'The host name does not resolve' };
  }
  const [first] = addresses;
  if (!first) return { problem: 'The host name does not resolve' };
  if (!addresses.every(({ address }) => allowedAddress(address, policy))) {
    return { problem: 'The host resolves to a private or local address' };
  }
  return { address: first };
};

/** A `lookup` for the HTTP client that answers with the checked address, and never asks DNS again. */
export const pinnedLookup =
  (pinned: ResolvedAddress): LookupFunction =>
  (_hostname, options, callback) => {
    if (options.all) callback(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
