export { crawl } from "./crawler.js";
export { contentHash } from "./page.js";
export { parseRobots, productToken, type RobotsPolicy } from "./robots.js";
export { parseSitemap } from "./sitemap.js";
export * from "./types.js";
export { isSameOrigin, normaliseUrl } from "./url.js";
