import { describe, expect, it } from "vitest";
import { FrontMatterError, parseTemplateFile } from "../../src/services/templates/front-matter.js";

const errorOf = (source: string) => {
  try {
    parseTemplateFile(source);
  } catch (error) {
    return error as FrontMatterError;
  }
  throw new Error("expected the front matter to be refused");
};

describe("template front matter (the YAML subset of atrium templates import)", () => {
  it("reads top-level keys, a variable list with scalars and flow lists, and keeps the body's line offset", () => {
    const parsed = parseTemplateFile(
      [
        "---",
        "name: 'Offer # letter'   # a comment",
        'description: "Said \\"hi\\""',
        "variables:",
        "  - name: grade",
        "    enum: [junior, 'senior', 3]",
        "    required: false",
        "  -",
        "    name: salary",
        "    type: number",
        "    default: 1200.5",
        "---",
        "Body {{grade}}",
      ].join("\n"),
    );
    expect(parsed.frontMatter).toEqual({
      name: "Offer # letter",
      description: 'Said "hi"',
      variables: [
        { name: "grade", enum: ["junior", "senior", 3], required: false },
        { name: "salary", type: "number", default: 1200.5 },
      ],
    });
    expect(parsed.body).toBe("Body {{grade}}");
    expect(parsed.bodyLineOffset).toBe(12);
    expect(parsed.variableLines).toEqual([5, 8]);
  });

  it("treats a file without front matter as a body with no variables", () => {
    expect(parseTemplateFile("Hello\n---\n")).toMatchObject({ body: "Hello\n---\n", bodyLineOffset: 0 });
  });

  it("refuses what the subset does not cover, with the line", () => {
    expect(errorOf("---\nname: x\n")).toMatchObject({
      line: 1,
      message: expect.stringMatching(/not closed/),
    });
    expect(errorOf("---\nowner: me\n---\n")).toMatchObject({ line: 2 });
    expect(errorOf("---\nvariables:\n  - name: a\n      type: string\n---\n")).toMatchObject({ line: 4 });
    expect(errorOf("---\nvariables:\n  - name: a\n    default: |\n---\n")).toMatchObject({ line: 4 });
    expect(errorOf("---\nvariables:\n  - type: string\n---\n")).toMatchObject({
      line: 3,
      message: "Each variable needs a name",
    });
    expect(errorOf("---\nname: [a, [b]]\n---\n")).toBeInstanceOf(FrontMatterError);
    expect(errorOf("---\nname: 'open\n---\n")).toMatchObject({ line: 2 });
  });
});
