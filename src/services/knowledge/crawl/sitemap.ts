import { gunzipSync } from "node:zlib";

export interface ParsedSitemap {
  /** Page URLs (<urlset><url><loc>). */
  urls: string[];
  /** Nested sitemaps (<sitemapindex><sitemap><loc>). */
  sitemaps: string[];
}

/**
 * Reads a sitemap or sitemap index (sitemaps.org protocol). The format is flat enough that matching <loc>
 * elements is exact; entities are decoded. Gzipped sitemaps are inflated up to `maxBytes`.
 */
export function parseSitemap(body: Buffer, maxBytes: number): ParsedSitemap {
  let data = body;
  if (body[0] === 0x1f && body[1] === 0x8b) {
    try {
      data = gunzipSync(body, { maxOutputLength: maxBytes });
    } catch {
      return { urls: [], sitemaps: [] };
    }
  }
  const xml = data.toString("utf8");
  const locs = [...xml.matchAll(/<(?:\w+:)?loc>\s*([\s\S]*?)\s*<\/(?:\w+:)?loc>/gi)].map((match) =>
    decodeEntities(match[1]!.replace(/^<!\[CDATA\[([\s\S]*)\]\]>$/, "$1").trim()),
  );
  const isIndex = /<(?:\w+:)?sitemapindex[\s>]/i.test(xml);
  return isIndex ? { urls: [], sitemaps: locs } : { urls: locs, sitemaps: [] };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}
