import { pathAndQuery } from "./url.js";

interface Rule {
  allow: boolean;
  pattern: string;
  regex: RegExp;
}

interface Group {
  agents: string[];
  rules: Rule[];
  crawlDelaySeconds?: number | undefined;
}

export interface RobotsPolicy {
  isAllowed(url: string): boolean;
  /** Seconds between requests the site asks this crawler to wait, when it says so. */
  crawlDelaySeconds?: number | undefined;
  /** Sitemap URLs listed anywhere in the file. */
  sitemaps: string[];
}

/** RFC 9309 asks crawlers to parse at least 500 KiB; the rest of a longer file is ignored. */
export const ROBOTS_MAX_BYTES = 512 * 1024;

export const allowAll: RobotsPolicy = { isAllowed: () => true, sitemaps: [] };
export const disallowAll: RobotsPolicy = { isAllowed: (url) => isRobotsFile(url), sitemaps: [] };

function isRobotsFile(url: string): boolean {
  return new URL(url).pathname === "/robots.txt";
}

/** The product token robots.txt groups are matched on: "AtriumBot/1.0 (+url)" → "atriumbot". */
export function productToken(userAgent: string): string {
  return (userAgent.trim().split(/[/\s]/)[0] ?? "").toLowerCase();
}

/**
 * robots.txt per RFC 9309: groups start with one or more User-agent lines; the group naming this
 * crawler's product token wins over "*" (several matching groups are merged); among the rules the longest
 * matching pattern decides and, on a tie, Allow wins; `*` matches any run of characters and a trailing `$`
 * anchors the end. Crawl-delay (not in the RFC, widely used) is read from the chosen group.
 */
export function parseRobots(text: string, userAgent: string): RobotsPolicy {
  const groups: Group[] = [];
  const sitemaps: string[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  for (const rawLine of text.slice(0, ROBOTS_MAX_BYTES).split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, "").trim();
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "user-agent") {
      if (!current || !lastWasAgent) {
        current = { agents: [], rules: [] };
        groups.push(current);
      }
      current.agents.push(value.toLowerCase());
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (key === "sitemap") {
      if (value) sitemaps.push(value);
    } else if (current && (key === "allow" || key === "disallow")) {
      if (value) current.rules.push({ allow: key === "allow", pattern: value, regex: patternToRegex(value) });
    } else if (current && key === "crawl-delay") {
      const seconds = Number(value);
      if (Number.isFinite(seconds) && seconds >= 0) current.crawlDelaySeconds = seconds;
    }
  }
  const token = productToken(userAgent);
  const named = groups.filter((group) => group.agents.some((agent) => agent !== "*" && agent === token));
  const chosen = named.length > 0 ? named : groups.filter((group) => group.agents.includes("*"));
  const rules = chosen.flatMap((group) => group.rules);
  const crawlDelaySeconds = chosen.find((group) => group.crawlDelaySeconds !== undefined)?.crawlDelaySeconds;
  return {
    sitemaps,
    crawlDelaySeconds,
    isAllowed(url: string): boolean {
      if (isRobotsFile(url)) return true;
      const target = safeDecodePath(pathAndQuery(url));
      let best: Rule | undefined;
      for (const rule of rules) {
        if (!rule.regex.test(target)) continue;
        const longer = !best || rule.pattern.length > best.pattern.length;
        const tieAllow = best && rule.pattern.length === best.pattern.length && rule.allow;
        if (longer || tieAllow) best = rule;
      }
      return best ? best.allow : true;
    },
  };
}

function patternToRegex(pattern: string): RegExp {
  const anchored = pattern.endsWith("$");
  const body = safeDecodePath(anchored ? pattern.slice(0, -1) : pattern);
  const source = body
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}${anchored ? "$" : ""}`);
}

/** Rules and URLs are compared with percent-escapes decoded, so "/caf%C3%A9" and "/café" match alike. */
function safeDecodePath(path: string): string {
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}
