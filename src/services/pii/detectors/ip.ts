import { isIPv6 } from "node:net";
import type { PiiSpan } from "../kinds.js";
import { before } from "./context.js";

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![\\p{L}\\p{N}.])${OCTET}(?:\\.${OCTET}){3}(?![\\p{L}\\p{N}]|\\.\\d)`, "gu");
// Loose IPv6 candidates (with an optional embedded IPv4 tail and zone), validated by node:net.
const IPV6 =
  /(?<![\p{L}\p{N}:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:%[0-9A-Za-z]+)?(?![\p{L}\p{N}:])/gu;

/** "version 10.0.19041.1", "build 4.2.0.1": dotted numbers that are releases, not addresses. */
const VERSION_CONTEXT =
  /(?<![\p{L}])(?:version|ver\.?|v|build|release|firmware|update|versión|versione|versie|patch|sdk|api|kernel|ubuntu|debian|windows|android|ios|macos|chrome|firefox|node|python|java)\s*[:#]?\s*$/u;

/** IPv4 and IPv6 addresses. */
export function detectIpAddresses(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(IPV4)) {
    if (VERSION_CONTEXT.test(before(text, m.index, 20))) continue;
    spans.push({ kind: "IP_ADDRESS", start: m.index, end: m.index + m[0].length, source: "ipv4" });
  }
  for (const m of text.matchAll(IPV6)) {
    const candidate = m[0].replace(/%.*$/, "");
    if (!/[0-9A-Fa-f]/.test(candidate) || !isIPv6(candidate)) continue;
    spans.push({ kind: "IP_ADDRESS", start: m.index, end: m.index + m[0].length, source: "ipv6" });
  }
  return spans;
}
