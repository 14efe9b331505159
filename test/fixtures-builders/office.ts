import { Document, HeadingLevel, Packer, Paragraph, TextRun } from "docx";
import { PDFDocument, StandardFonts } from "pdf-lib";

/** A real DOCX written by the `docx` package: two heading levels, paragraphs and a document title. */
export async function handbookDocx(): Promise<Buffer> {
  const document = new Document({
    title: "Employee handbook",
    creator: "People team",
    sections: [
      {
        children: [
          new Paragraph({ text: "Leave policy", heading: HeadingLevel.HEADING_1 }),
          new Paragraph({ children: [new TextRun("Employees get 25 days of paid leave per year.")] }),
          new Paragraph({ text: "Sick leave", heading: HeadingLevel.HEADING_2 }),
          new Paragraph("Report sickness to your manager before 9am."),
          new Paragraph({ text: "Expenses", heading: HeadingLevel.HEADING_1 }),
          new Paragraph("Submit receipts within 30 days & keep the <originals>."),
        ],
      },
    ],
  });
  return Packer.toBuffer(document);
}

/** A real PDF written by pdf-lib, one text block per page. */
export async function pagedPdf(pages: string[], title = "Travel policy"): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const text of pages) {
    const page = pdf.addPage([420, 300]);
    text.split("\n").forEach((line, i) => {
      page.drawText(line, { x: 24, y: 250 - i * 20, size: 13, font });
    });
  }
  if (pages.length === 0) pdf.addPage([420, 300]);
  pdf.setTitle(title);
  pdf.setAuthor("Finance");
  return Buffer.from(await pdf.save());
}

/**
 * A PDF whose trailer names a Standard security handler (RC4, revision 2) with owner and user hashes
 * that no password matches — what a reader sees when a PDF needs a password it does not have.
 * pdf-lib cannot encrypt, so the file is written by hand with a correct cross-reference table.
 */
export function encryptedPdf(): Buffer {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    "<< /Length 20 >>\nstream\n(secret text) Tj ET\nendstream",
    `<< /Filter /Standard /V 1 /R 2 /O <${"7a".repeat(32)}> /U <${"4b".repeat(32)}> /P -3904 >>`,
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, "0")} 00000 n \n`;
  const id = "9f".repeat(16);
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
