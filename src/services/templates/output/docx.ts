import {
  AlignmentType,
  Document,
  Footer,
  Header,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from "docx";
import { type Block, plainInline } from "./blocks.js";

const HEADINGS = [
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_1,
  HeadingLevel.HEADING_2,
  HeadingLevel.HEADING_3,
  HeadingLevel.HEADING_4,
  HeadingLevel.HEADING_5,
  HeadingLevel.HEADING_6,
];

/** Runs of text with `**bold**` kept as bold runs. */
function runs(text: string): TextRun[] {
  return text
    .split(/(\*\*.+?\*\*)/g)
    .filter((part) => part !== "")
    .map((part) =>
      part.startsWith("**") && part.endsWith("**") && part.length > 4
        ? new TextRun({ text: part.slice(2, -2), bold: true })
        : new TextRun(plainInline(part)),
    );
}

/**
 * A Word document built by the `docx` library: real headings (Heading 1–6 styles), paragraphs,
 * bullet and numbered lists, bordered tables, the organisation's name in the page header and
 * "Page n of m" fields in the footer.
 */
export function blocksToDocx(blocks: Block[], meta: { title: string; orgName: string }): Promise<Buffer> {
  let lists = 0;
  const children: (Paragraph | Table)[] = [];
  for (const block of blocks) {
    switch (block.kind) {
      case "heading":
        children.push(new Paragraph({ heading: HEADINGS[block.level], children: runs(block.text) }));
        break;
      case "paragraph":
        children.push(new Paragraph({ children: runs(block.text) }));
        break;
      case "list": {
        const instance = ++lists;
        for (const item of block.items) {
          children.push(
            block.ordered
              ? new Paragraph({
                  children: runs(item),
                  numbering: { reference: "numbered", level: 0, instance },
                })
              : new Paragraph({ children: runs(item), bullet: { level: 0 } }),
          );
        }
        break;
      }
      case "table":
        children.push(
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [block.header, ...block.rows].map(
              (row, r) =>
                new TableRow({
                  tableHeader: r === 0,
                  children: row.map(
                    (cell) =>
                      new TableCell({
                        children: [
                          new Paragraph({
                            children:
                              r === 0 ? [new TextRun({ text: plainInline(cell), bold: true })] : runs(cell),
                          }),
                        ],
                      }),
                  ),
                }),
            ),
          }),
        );
        children.push(new Paragraph({ children: [] }));
        break;
    }
  }
  const doc = new Document({
    title: plainInline(meta.title),
    creator: meta.orgName,
    numbering: {
      config: [
        {
          reference: "numbered",
          levels: [{ level: 0, format: LevelFormat.DECIMAL, text: "%1.", alignment: AlignmentType.START }],
        },
      ],
    },
    sections: [
      {
        headers: {
          default: new Header({ children: [new Paragraph({ children: [new TextRun(meta.orgName)] })] }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [
                  new TextRun({ children: ["Page ", PageNumber.CURRENT, " of ", PageNumber.TOTAL_PAGES] }),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}
