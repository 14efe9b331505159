import { type Block, plainInline } from "./blocks.js";

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`);

/** Escaped text with `**bold**` as <strong> (the only inline mark kept). */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
    .replace(/`([^`]+)`/g, "<code>$1</code>");
}

function htmlOf(block: Block): string {
  if (block.kind === "heading") return `<h${block.level}>${inline(block.text)}</h${block.level}>`;
  if (block.kind === "paragraph") return `<p>${inline(block.text)}</p>`;
  if (block.kind === "list") {
    const tag = block.ordered ? "ol" : "ul";
    return `<${tag}>${block.items.map((item) => `<li>${inline(item)}</li>`).join("")}</${tag}>`;
  }
  const head = block.header.map((h) => `<th>${inline(h)}</th>`).join("");
  const rows = block.rows.map((row) => `<tr>${row.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`);
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/**
 * A standalone HTML file: every text escaped (a value can never become markup or script), no
 * scripts, styles inline in a <style> element only, the organisation's name in the header.
 */
export function blocksToHtml(blocks: Block[], meta: { title: string; orgName: string }): string {
  const body = blocks.map(htmlOf).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(plainInline(meta.title))}</title>
<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25rem .5rem}</style>
</head><body><header>${escapeHtml(meta.orgName)}</header><main>
${body}
</main></body></html>
`;
}
