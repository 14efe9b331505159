import { type HTMLElement, type Node, parse } from "node-html-parser";
import { SectionBuilder } from "./sections.js";
import { collapseWhitespace } from "./text.js";
import type { ExtractedSection } from "./types.js";

export interface HtmlContent {
  title?: string | undefined;
  text: string;
  sections: ExtractedSection[];
  /** Absolute URL of <link rel="canonical">, resolved against <base> and the page URL. */
  canonicalUrl?: string | undefined;
  /** Absolute URLs of followable <a href> links (rel="nofollow" excluded), in document order. */
  links: string[];
  /** From <meta name="robots">. */
  robots: { noindex: boolean; nofollow: boolean };
  language?: string | undefined;
  description?: string | undefined;
}

/** Never readable content: scripts, styles, page chrome (navigation, footers, sidebars) and forms. */
const DROP = "script,style,noscript,template,svg,canvas,iframe,object,nav,footer,aside,form,button,[hidden]";
const DROP_ROLES = '[role="navigation"],[role="banner"],[role="contentinfo"],[aria-hidden="true"]';

const BLOCKS = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "header",
  "blockquote",
  "ul",
  "ol",
  "dl",
  "table",
  "thead",
  "tbody",
  "tfoot",
  "figure",
  "figcaption",
  "address",
  "details",
  "summary",
  "body",
  "html",
  "hr",
  "center",
  "caption",
  "fieldset",
  "pre",
]);
/** Blocks that end a line but not a paragraph: list items, table rows, definition terms. */
const LINES = new Set(["li", "tr", "dt", "dd"]);

/**
 * Reduces HTML to readable text, keeping headings as sections. Prefers the page's single <main> (or
 * <article>) when it has one, the way reader modes do, and otherwise reads the whole <body>.
 */
export function readHtml(html: string, pageUrl?: string): HtmlContent {
  const root = parse(html, { comment: false, lowerCaseTagName: true });
  const base = resolveUrl(root.querySelector("base[href]")?.getAttribute("href"), pageUrl) ?? pageUrl;
  const title = collapseWhitespace(root.querySelector("title")?.text ?? "") || undefined;
  const canonicalHref = root
    .querySelectorAll("link[href]")
    .find((link) => (link.getAttribute("rel") ?? "").toLowerCase().split(/\s+/).includes("canonical"))
    ?.getAttribute("href");
  const robotsMeta = (metaContent(root, "robots") ?? "").toLowerCase();
  const links: string[] = [];
  for (const anchor of root.querySelectorAll("a[href]")) {
    if (/\bnofollow\b/i.test(anchor.getAttribute("rel") ?? "")) continue;
    const url = resolveUrl(anchor.getAttribute("href"), base);
    if (url) links.push(url);
  }

  for (const element of root.querySelectorAll(`${DROP},${DROP_ROLES}`)) element.remove();
  const body = root.querySelector("body") ?? root;
  const mains = body.querySelectorAll('main,[role="main"]');
  const articles = body.querySelectorAll("article");
  const content = mains.length === 1 ? mains[0]! : articles.length === 1 ? articles[0]! : body;

  const builder = new SectionBuilder();
  walk(content, builder, false);
  const { text, sections } = builder.finish();
  const firstHeading = sections.find((section) => section.headingPath.length > 0)?.headingPath[0];
  return {
    title: title ?? firstHeading,
    text,
    sections,
    canonicalUrl: resolveUrl(canonicalHref, base),
    links,
    robots: {
      noindex: /\b(noindex|none)\b/.test(robotsMeta),
      nofollow: /\b(nofollow|none)\b/.test(robotsMeta),
    },
    language: root.querySelector("html")?.getAttribute("lang") || undefined,
    description: metaContent(root, "description"),
  };
}

function metaContent(root: HTMLElement, name: string): string | undefined {
  const meta = root
    .querySelectorAll("meta[name]")
    .find((element) => element.getAttribute("name")?.toLowerCase() === name);
  return meta?.getAttribute("content")?.trim() || undefined;
}

function walk(node: Node, builder: SectionBuilder, preformatted: boolean): void {
  for (const child of node.childNodes) {
    if (child.nodeType === 3) {
      builder.inline(preformatted ? child.text : child.text.replace(/\s+/g, " "));
      continue;
    }
    if (child.nodeType !== 1) continue;
    const element = child as HTMLElement;
    const tag = element.tagName?.toLowerCase() ?? "";
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      builder.heading(Number(heading[1]), collapseWhitespace(element.text));
      continue;
    }
    if (tag === "br") {
      builder.lineBreak();
      continue;
    }
    if (tag === "img") {
      const alt = collapseWhitespace(element.getAttribute("alt") ?? "");
      if (alt) builder.inline(` ${alt} `);
      continue;
    }
    if (tag === "td" || tag === "th") {
      builder.inline(" | ");
      walk(element, builder, preformatted);
      continue;
    }
    const line = LINES.has(tag);
    const block = !line && BLOCKS.has(tag);
    if (block) builder.block();
    if (line) builder.lineBreak();
    if (tag === "li") builder.inline("- ");
    walk(element, builder, preformatted || tag === "pre");
    if (block) builder.block();
    if (line) builder.lineBreak();
  }
}

function resolveUrl(href: string | undefined | null, base: string | undefined): string | undefined {
  const trimmed = href?.trim();
  if (!trimmed) return undefined;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}
