import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { findCause } from "../errors.js";

/**
 * Where Atrium's own outbound requests (crawls, HTTP tools) may go, so a user cannot make the server
 * fetch what only the server can reach (server-side request forgery).
 *   - `public`: public addresses only — no loopback, private networks, link-local (cloud metadata at
 *     169.254.169.254), carrier-grade NAT, multicast, reserved and documentation ranges, nor their IPv6
 *     counterparts. The default.
 *   - `private`: also loopback and private networks (intranet crawls and tools, when the operator turns
 *     them on); link-local, unspecified, multicast and reserved addresses stay refused, so the cloud
 *     metadata service is never reachable.
 * IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are checked as the IPv4 address they carry, and so are
 * the other forms that carry an IPv4 address: 6to4 (2002:AABB:CCDD::/48), NAT64 (64:ff9b::/96 and the
 * local-use 64:ff9b:1::/48) — a gateway would forward them to that IPv4 address. IPv4-compatible
 * addresses (::/96 but `::` and `::1`, deprecated since RFC 4291) are refused under every policy.
 */
export type NetworkPolicy = "public" | "private";

const NEVER_V4 = [
  ["0.0.0.0", 8],
  ["169.254.0.0", 16],
  ["192.0.0.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const;
const NEVER_V6 = [
  ["::", 128],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const;
const PRIVATE_V4 = [
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
] as const;
const PRIVATE_V6 = [
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
] as const;

function blockList(v4: readonly (readonly [string, number])[], v6: readonly (readonly [string, number])[]) {
  const list = new BlockList();
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, "ipv4");
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, "ipv6");
  return list;
}

const BLOCKED: Record<NetworkPolicy, BlockList> = {
  public: blockList([...NEVER_V4, ...PRIVATE_V4], [...NEVER_V6, ...PRIVATE_V6]),
  private: blockList(NEVER_V4, NEVER_V6),
};

/** The 16 bytes of an IPv6 address (zone id dropped), or undefined when it is not one. */
function ipv6Bytes(address: string): number[] | undefined {
  const bare = address.replace(/%.*$/, "");
  if (isIP(bare) !== 6) return undefined;
  let text = bare;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parts = (s: string) => (s === "" ? [] : s.split(":").map((h) => Number.parseInt(h, 16)));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const groups = [...left, ...Array(8 - left.length - right.length).fill(0), ...right] as number[];
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

const v4 = (bytes: number[]) => bytes.join(".");

/**
 * The IPv4 address an IPv6 address carries for a gateway to reach (6to4, NAT64), or `"compatible"`
 * for the deprecated IPv4-compatible form, which is refused whatever it carries.
 */
function embeddedIpv4(bytes: number[]): string | "compatible" | undefined {
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(bytes.slice(2, 6));
  const isPrefix = (prefix: number[]) => prefix.every((b, i) => bytes[i] === b);
  if (isPrefix([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return v4(bytes.slice(12));
  if (isPrefix([0, 0x64, 0xff, 0x9b, 0, 1])) {
    // RFC 6052 with a /48 prefix: the address is split around the reserved octet 8.
    return v4([...bytes.slice(6, 8), ...bytes.slice(9, 11)]);
  }
  if (
    isPrefix([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) &&
    bytes.slice(12).some((b, i) => b > (i === 3 ? 1 : 0))
  ) {
    return "compatible";
  }
  return undefined;
}

export function isBlockedAddress(address: string, policy: NetworkPolicy = "public"): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) return true;
  if (BLOCKED[policy].check(bare, family === 4 ? "ipv4" : "ipv6")) return true;
  if (family === 4) return false;
  const bytes = ipv6Bytes(bare);
  if (!bytes) return true;
  const carried = embeddedIpv4(bytes);
  if (carried === "compatible") return true;
  return carried !== undefined && BLOCKED[policy].check(carried, "ipv4");
}

export class BlockedAddressError extends Error {
  readonly code = "EBLOCKEDADDRESS";
  constructor(
    readonly hostname: string,
    readonly address: string,
    policy: NetworkPolicy,
  ) {
    super(
      policy === "public"
        ? `${hostname} resolves to a private or reserved address (${address}); private networks are not allowed`
        : `${hostname} resolves to a link-local or reserved address (${address}), which is never allowed`,
    );
    this.name = "BlockedAddressError";
  }
}

/** The BlockedAddressError behind an error (a refused lookup surfaces wrapped in a request error). */
export function blockedAddressIn(error: unknown): BlockedAddressError | undefined {
  return findCause(error, (cause) => cause instanceof BlockedAddressError) as BlockedAddressError | undefined;
}

function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });
}

/**
 * Checks a URL's host before connecting and throws BlockedAddressError when `policy` refuses it. An IP
 * address is checked as it is (connections to one skip DNS, so this is its only check). A name is
 * resolved under `public`, and refused when any of its addresses is blocked (one bad record is enough
 * for an attacker to win a race between addresses); under `private` a name is left to the connection's
 * pinned lookup (`guardedLookup`), which refuses link-local answers, so no DNS is needed up front.
 */
export async function assertAllowedHost(hostname: string, policy: NetworkPolicy): Promise<void> {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (!isIP(bare) && policy === "private") return;
  const addresses = isIP(bare) ? [{ address: bare }] : await resolveAll(bare);
  for (const { address } of addresses) {
    if (isBlockedAddress(address, policy)) throw new BlockedAddressError(hostname, address, policy);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

export type GuardedLookup = (
  hostname: string,
  options: { all?: boolean; family?: number | string },
  callback: LookupCallback,
) => void;

/**
 * A `lookup` for http.request / net.connect that refuses the addresses `policy` blocks. Because the
 * socket connects to exactly the address checked here, a DNS answer that changes between check and
 * connect (DNS rebinding) cannot slip through.
 */
export const guardedLookup =
  (policy: NetworkPolicy): GuardedLookup =>
  (hostname, options, callback) => {
    resolveAll(hostname).then(
      (all) => {
        const bad = all.find((entry) => isBlockedAddress(entry.address, policy));
        if (bad) return callback(new BlockedAddressError(hostname, bad.address, policy), "");
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
  };
