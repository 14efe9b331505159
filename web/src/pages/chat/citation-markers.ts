/**
 * A rehype step that turns the answer's citation markers ("[2]") into <cite data-label="2"> elements,
 * which Markdown.tsx renders as numbered chips. Code is left alone. Works on the syntax tree, after
 * Markdown was parsed: nothing here ever becomes HTML from text.
 */
interface HastNode {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
}

const MARKER = /\[(\d{1,3})\]/g;

function split(text: string): HastNode[] {
  const out: HastNode[] = [];
  let last = 0;
  for (const match of text.matchAll(MARKER)) {
    const at = match.index ?? 0;
    if (at > last) out.push({ type: "text", value: text.slice(last, at) });
    out.push({
      type: "element",
      tagName: "cite",
      properties: { dataLabel: match[1] },
      children: [{ type: "text", value: match[1] ?? "" }],
    });
    last = at + match[0].length;
  }
  if (last < text.length) out.push({ type: "text", value: text.slice(last) });
  return out;
}

function walk(node: HastNode): void {
  if (!node.children || node.tagName === "code" || node.tagName === "pre") return;
  node.children = node.children.flatMap((child) => {
    if (child.type === "text" && child.value && MARKER.test(child.value)) {
      MARKER.lastIndex = 0;
      return split(child.value);
    }
    walk(child);
    return [child];
  });
}

export function rehypeCitationMarkers() {
  return (tree: HastNode) => walk(tree);
}
