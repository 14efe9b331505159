/** Built-in tools every agent may enable by name; they have no `tools` row. */
export const BUILTIN_TOOL_NAMES = [
  "knowledge_search",
  "fetch_document",
  "create_note",
  "current_datetime",
  "generate_document",
] as const;
export type BuiltinToolName = (typeof BUILTIN_TOOL_NAMES)[number];

export function isBuiltinTool(name: string): name is BuiltinToolName {
  return (BUILTIN_TOOL_NAMES as readonly string[]).includes(name);
}
