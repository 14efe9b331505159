/** Web crawling: the crawler (robots, sitemaps, pages), web sources and their schedule. */
export { crawl } from "./crawler.js";
export { contentHash } from "./page.js";
export { parseRobots, productToken, type RobotsPolicy } from "./robots.js";
export { parseSitemap } from "./sitemap.js";
export * from "./types.js";
export { isSameOrigin, normaliseUrl } from "./url.js";
export { createWebSourceCrawler, type WebSourceCrawler } from "./web-source-crawl.js";
export { createCrawlScheduler } from "./web-source-schedule.js";
export { createWebSourceService, type WebSourceService } from "./web-source-service.js";
