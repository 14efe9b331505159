import { describe, expect, it } from "vitest";
import { extractDocument } from "../../src/services/knowledge/sources/extract/index.js";
import { handbookDocx, pagedPdf } from "../fixtures-builders/office.js";

describe("extractDocument: PDF", () => {
  it("reads text per page with page numbers and the document title", async () => {
    const data = await pagedPdf(["Per diem is 40 EUR\nfor domestic trips", "Book trains, not flights"]);
    const document = await extractDocument({ filename: "travel.pdf", data });
    expect(document.type).toBe("pdf");
    expect(document.title).toBe("Travel policy");
    expect(document.pages).toEqual([
      { number: 1, text: "Per diem is 40 EUR\nfor domestic trips" },
      { number: 2, text: "Book trains, not flights" },
    ]);
    expect(document.text).toContain("Per diem is 40 EUR");
    expect(document.text).toContain("Book trains, not flights");
    expect(document.metadata).toMatchObject({ pageCount: 2, author: "Finance", encrypted: false });
  });
});

describe("extractDocument: DOCX", () => {
  it("keeps Word headings as sections with their heading path, and the core title", async () => {
    const document = await extractDocument({ filename: "Handbook.DOCX", data: await handbookDocx() });
    expect(document.type).toBe("docx");
    expect(document.title).toBe("Employee handbook");
    expect(document.metadata.author).toBe("People team");
    expect(document.sections).toEqual([
      { headingPath: ["Leave policy"], text: "Employees get 25 days of paid leave per year." },
      { headingPath: ["Leave policy", "Sick leave"], text: "Report sickness to your manager before 9am." },
      { headingPath: ["Expenses"], text: "Submit receipts within 30 days & keep the <originals>." },
    ]);
    expect(document.text.split("\n\n").slice(0, 3)).toEqual([
      "Leave policy",
      "Employees get 25 days of paid leave per year.",
      "Sick leave",
    ]);
  });
});

describe("extractDocument: text formats", () => {
  it("decodes UTF-8, UTF-16 with a BOM and legacy windows-1252 text", async () => {
    const utf8 = await extractDocument({ filename: "a.txt", data: Buffer.from("Café  \r\nline two\r\n") });
    expect(utf8.text).toBe("Café\nline two");
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Grüße aus Köln", "utf16le")]);
    expect((await extractDocument({ filename: "b.txt", data: utf16 })).text).toBe("Grüße aus Köln");
    const latin = Buffer.from([0x4e, 0x61, 0xef, 0x76, 0x65, 0x20, 0x80]); // "Naïve €" in windows-1252
    expect((await extractDocument({ filename: "c.txt", data: latin })).text).toBe("Naïve €");
  });

  it("splits Markdown by headings, ignoring # lines inside code fences, and reads front matter", async () => {
    const markdown = [
      "---",
      "title: Onboarding guide",
      "---",
      "Intro paragraph.",
      "# Week one",
      "Meet the team.",
      "```bash",
      "# not a heading",
      "```",
      "## Accounts",
      "Ask IT for a laptop.",
      "Week two",
      "========",
      "Shadow a colleague.",
    ].join("\n");
    const document = await extractDocument({ filename: "guide.md", data: Buffer.from(markdown) });
    expect(document.title).toBe("Onboarding guide");
    expect(document.sections?.map((section) => section.headingPath)).toEqual([
      [],
      ["Week one"],
      ["Week one", "Accounts"],
      ["Week two"],
    ]);
    expect(document.sections?.[1]?.text).toBe("Meet the team.\n```bash\n# not a heading\n```");
    expect(document.text).not.toContain("title: Onboarding guide");
  });

  it("reduces HTML to readable text: no scripts, styles, navigation or footers; headings become sections", async () => {
    const html = `<!doctype html><html lang="en"><head><title>IT &amp; security</title>
      <link rel="canonical" href="https://intranet.example/policies/it"><style>p{color:red}</style>
      <script>document.write("tracking")</script></head>
      <body><nav><a href="/">Home</a> Menu</nav>
      <h1>Passwords</h1><p>Use a <b>password manager</b>&nbsp;always.</p>
      <ul><li>Twelve characters</li><li>No reuse</li></ul>
      <h2>Rotation</h2><table><tr><th>System</th><th>Every</th></tr><tr><td>VPN</td><td>90 days</td></tr></table>
      <footer>© Atrium</footer></body></html>`;
    const document = await extractDocument({ filename: "it.html", data: Buffer.from(html) });
    expect(document.title).toBe("IT & security");
    expect(document.metadata).toMatchObject({
      canonicalUrl: "https://intranet.example/policies/it",
      language: "en",
    });
    expect(document.text).not.toMatch(/tracking|color:red|Menu|© Atrium/);
    expect(document.sections).toEqual([
      {
        headingPath: ["Passwords"],
        text: "Use a password manager always.\n\n- Twelve characters\n- No reuse",
      },
      { headingPath: ["Passwords", "Rotation"], text: "System | Every\nVPN | 90 days" },
    ]);
  });

  it("parses quoted CSV fields (delimiters, newlines, doubled quotes) into a table with a header", async () => {
    const csv = 'name,role,notes\n"Doe, Jane",Engineer,"Says ""hi""\non two lines"\nBob,,short\nAlice,Lead\n';
    const document = await extractDocument({ filename: "people.csv", data: Buffer.from(csv) });
    expect(document.type).toBe("csv");
    expect(document.table).toEqual({
      header: ["name", "role", "notes"],
      rows: [
        ["Doe, Jane", "Engineer", 'Says "hi"\non two lines'],
        ["Bob", "", "short"],
        ["Alice", "Lead", ""],
      ],
    });
    expect(document.text).toContain('name: Doe, Jane; role: Engineer; notes: Says "hi" on two lines');
    expect(document.metadata).toMatchObject({ delimiter: ",", rows: 3, columns: 3 });
  });

  it("uses tabs for .tsv and detects semicolon-separated .csv", async () => {
    const tsv = await extractDocument({ filename: "t.tsv", data: Buffer.from("a\tb\n1,5\t2\n") });
    expect(tsv.table).toEqual({ header: ["a", "b"], rows: [["1,5", "2"]] });
    const semicolons = await extractDocument({
      filename: "s.csv",
      data: Buffer.from('city;price\n"Köln";1,50\n'),
    });
    expect(semicolons.table).toEqual({ header: ["city", "price"], rows: [["Köln", "1,50"]] });
    expect(semicolons.metadata.delimiter).toBe(";");
  });

  it("falls back to the media type, then to the content, when the name has no extension", async () => {
    const csv = await extractDocument({
      filename: "export",
      mediaType: "text/csv; charset=utf-8",
      data: Buffer.from("x,y\n1,2"),
    });
    expect(csv.type).toBe("csv");
    const html = await extractDocument({
      filename: "page",
      data: Buffer.from("<!DOCTYPE html><h1>Hi</h1><p>There</p>"),
    });
    expect(html.type).toBe("html");
    const pdf = await extractDocument({ filename: "upload", data: await pagedPdf(["Sniffed"]) });
    expect(pdf.type).toBe("pdf");
  });
});
