/**
 * The one spelling of a URL that the crawler compares: absolute http(s), no fragment, no credentials,
 * host lower-cased and default port removed (WHATWG URL does both), dot segments resolved, an empty
 * "?" dropped. The query string is kept as written: reordering parameters changes meaning on some sites.
 */
export function normaliseUrl(input: string, base?: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  url.hash = "";
  url.username = "";
  url.password = "";
  if (url.search === "") url.search = "";
  return url.href;
}

export function originOf(url: string): string {
  return new URL(url).origin;
}

export function isSameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/** Path and query, the part of a URL robots.txt rules match against. */
export function pathAndQuery(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}
