import type { outputFormat } from "../../../db/schema/enums.js";
import { blocksToText, parseBlocks } from "./blocks.js";
import { blocksToDocx } from "./docx.js";
import { blocksToHtml } from "./html.js";
import { blocksToPdf } from "./pdf.js";

export type OutputFormat = (typeof outputFormat.enumValues)[number];

export interface RenderedFile {
  data: Buffer;
  mimeType: string;
  extension: string;
}

export const OUTPUT_TYPES: Record<OutputFormat, { mimeType: string; extension: string }> = {
  markdown: { mimeType: "text/markdown; charset=utf-8", extension: ".md" },
  html: { mimeType: "text/html; charset=utf-8", extension: ".html" },
  text: { mimeType: "text/plain; charset=utf-8", extension: ".txt" },
  pdf: { mimeType: "application/pdf", extension: ".pdf" },
  docx: {
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    extension: ".docx",
  },
};

/** The file a rendered Markdown text becomes in the given format. */
export async function buildOutput(
  format: OutputFormat,
  markdown: string,
  meta: { title: string; orgName: string },
): Promise<RenderedFile> {
  const type = OUTPUT_TYPES[format];
  const blocks = parseBlocks(markdown);
  const data =
    format === "markdown"
      ? Buffer.from(markdown, "utf8")
      : format === "text"
        ? Buffer.from(blocksToText(blocks), "utf8")
        : format === "html"
          ? Buffer.from(blocksToHtml(blocks, meta), "utf8")
          : format === "pdf"
            ? await blocksToPdf(blocks, meta)
            : await blocksToDocx(blocks, meta);
  return { data, ...type };
}
