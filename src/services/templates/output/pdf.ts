import PDFDocument from "pdfkit";
import { type Block, plainInline } from "./blocks.js";

const HEADING_SIZES = [0, 20, 16, 14, 12, 11, 11];
const MARGIN = 56;

/**
 * A PDF built by pdfkit with its standard fonts (no font file is read at render time): headings,
 * paragraphs, lists and tables, the organisation's name in every page's header and "Page n of m" in
 * every footer. Document info carries the title and the organisation as author.
 */
export function blocksToPdf(blocks: Block[], meta: { title: string; orgName: string }): Promise<Buffer> {
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN + 16, bottom: MARGIN + 16, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: plainInline(meta.title), Author: meta.orgName, Creator: "Atrium" },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const width = doc.page.width - MARGIN * 2;
  for (const block of blocks) {
    switch (block.kind) {
      case "heading":
        doc.moveDown(0.5).font("Helvetica-Bold").fontSize(HEADING_SIZES[block.level]!);
        doc.text(plainInline(block.text), { width });
        doc.moveDown(0.3);
        break;
      case "paragraph":
        doc.font("Helvetica").fontSize(11).text(plainInline(block.text), { width, align: "left" });
        doc.moveDown(0.6);
        break;
      case "list":
        doc.font("Helvetica").fontSize(11);
        doc.list(block.items.map(plainInline), { listType: block.ordered ? "numbered" : "bullet", width });
        doc.moveDown(0.6);
        break;
      case "table":
        doc.font("Helvetica").fontSize(10);
        doc.table({
          maxWidth: width,
          data: [
            block.header.map((h) => ({ text: plainInline(h), font: { src: "Helvetica-Bold" } })),
            ...block.rows.map((row) => row.map(plainInline)),
          ],
        });
        doc.x = MARGIN;
        doc.moveDown(0.6);
        break;
    }
  }
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Header and footer sit in the margins: no new page is started for them.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("Helvetica").fontSize(9).fillColor("#555555");
    doc.text(meta.orgName, MARGIN, MARGIN / 2, { width, align: "left", lineBreak: false });
    doc.text(`Page ${i + 1} of ${range.count}`, MARGIN, doc.page.height - MARGIN / 2 - 9, {
      width,
      align: "center",
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
    doc.fillColor("#000000");
  }
  doc.end();
  return done;
}
