import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

/**
 * Addresses a crawler must not reach on a user's behalf (server-side request forgery): loopback,
 * private networks, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast,
 * reserved and documentation ranges, and their IPv6 counterparts. IPv4-mapped IPv6 addresses
 * (::ffff:127.0.0.1) are checked as the IPv4 address they carry.
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

export function isBlockedAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) return true;
  return blocked.check(bare, family === 4 ? "ipv4" : "ipv6");
}

export class BlockedAddressError extends Error {
  readonly code = "EBLOCKEDADDRESS";
  constructor(hostname: string, address: string) {
    super(
      `${hostname} resolves to a private or reserved address (${address}); private networks are not allowed`,
    );
    this.name = "BlockedAddressError";
  }
}

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });
}

/**
 * Resolves a URL's host and throws BlockedAddressError when any of its addresses is blocked (one bad
 * record is enough for an attacker to win a race between addresses).
 */
export async function assertPublicHost(hostname: string): Promise<void> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(bare) ? [{ address: bare }] : await resolveAll(bare);
  for (const { address } of addresses) {
    if (isBlockedAddress(address)) throw new BlockedAddressError(hostname, address);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request / net.connect that refuses blocked addresses. Because the socket connects
 * to exactly the address checked here, a DNS answer that changes between check and connect (DNS
 * rebinding) cannot slip through.
 */
export function guardedLookup(
  hostname: string,
  options: { all?: boolean; family?: number | string },
  callback: LookupCallback,
): void {
  resolveAll(hostname).then(
    (all) => {
      const bad = all.find((entry) => isBlockedAddress(entry.address));
      if (bad) return callback(new BlockedAddressError(hostname, bad.address), "");
      const family =
        options.family === 6 || options.family === "IPv6"
          ? 6
          : options.family === 4 || options.family === "IPv4"
            ? 4
            : 0;
      const usable = family ? all.filter((entry) => entry.family === family) : all;
      const first = usable[0];
      if (!first)
        return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "");
      if (options.all) callback(null, usable);
      else callback(null, first.address, first.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, ""),
  );
}
