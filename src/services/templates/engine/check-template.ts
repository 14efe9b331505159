import Handlebars from "handlebars";
import { ALLOWED_HELPERS, BUILT_IN_BLOCKS } from "./helpers.js";

/** One thing wrong with a template body, where it is (1-based line and column). */
export interface TemplateProblem {
  code:
    | "SYNTAX_ERROR"
    | "UNKNOWN_HELPER"
    | "UNDECLARED_VARIABLE"
    | "PARTIALS_NOT_ALLOWED"
    | "FORBIDDEN_PROPERTY"
    | "UNKNOWN_DATA_VARIABLE";
  message: string;
  line: number;
  column: number;
}

/** Property names that lead from a value to its prototype or constructor; never allowed in a path. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set([
  "__proto__",
  "constructor",
  "prototype",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
]);

/** `@` variables a template may read: loop positions, the root context and the organisation. */
const DATA_VARIABLES = new Set(["index", "key", "first", "last", "root", "org"]);
const BLOCKS: ReadonlySet<string> = new Set(BUILT_IN_BLOCKS);

type Node = hbs.AST.Node & { loc?: hbs.AST.SourceLocation };
type Path = hbs.AST.PathExpression;
type Call = hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression;

/** A context the walker is in: the root input, or a loop item / `with` value and its block params. */
interface Scope {
  root: boolean;
  blockParams: string[];
}

function where(node: Node): { line: number; column: number } {
  return { line: node.loc?.start.line ?? 1, column: (node.loc?.start.column ?? 0) + 1 };
}

/** The syntax error of a body that does not parse, with its position (Handlebars' parser keeps it). */
function syntaxProblem(body: string, error: unknown): TemplateProblem {
  const raw = error instanceof Error ? error.message : String(error);
  const e = error as { lineNumber?: number; column?: number };
  const lexer = (
    Handlebars as unknown as { Parser: { lexer?: { yylloc?: { first_line: number; first_column: number } } } }
  ).Parser.lexer;
  const line = e.lineNumber ?? lexer?.yylloc?.first_line ?? Number(/line (\d+)/.exec(raw)?.[1] ?? 1);
  const column = (e.column ?? lexer?.yylloc?.first_column ?? 0) + 1;
  const first = raw.split("\n")[0] ?? raw;
  const expecting = /got '([A-Z_]+)'/.exec(raw)?.[1];
  const message = raw.startsWith("Parse error")
    ? `Syntax error${expecting === "EOF" ? ": the template ends inside a tag" : expecting === "INVALID" ? ": a tag is not closed properly" : ""}`
    : first;
  return { code: "SYNTAX_ERROR", message, line: Math.min(line, body.split("\n").length), column };
}

/**
 * Every problem of a template body against its declared variables: syntax errors, helpers outside
 * the fixed set, partials and decorators, paths through prototypes, and variables used at the top
 * level that are not declared. Fields of loop items and `with` values are not checked (their shape
 * is the input's).
 */
export function checkTemplate(body: string, declared: ReadonlySet<string>): TemplateProblem[] {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(body);
  } catch (error) {
    return [syntaxProblem(body, error)];
  }
  const problems: TemplateProblem[] = [];
  const report = (code: TemplateProblem["code"], message: string, node: Node) =>
    problems.push({ code, message, ...where(node) });

  function checkSegments(path: Path) {
    const bad = path.parts.find((part) => FORBIDDEN_SEGMENTS.has(part));
    if (bad)
      report("FORBIDDEN_PROPERTY", `"${path.original}" reaches "${bad}", which templates may not read`, path);
    return !bad;
  }

  function checkPath(path: Path, scopes: Scope[]) {
    if (!checkSegments(path)) return;
    if (path.data) {
      const head = path.parts[0] ?? "";
      if (!DATA_VARIABLES.has(head)) {
        report(
          "UNKNOWN_DATA_VARIABLE",
          `"@${head}" is not available (use @index, @key, @first, @last, @root or @org)`,
          path,
        );
      } else if (head === "root" && path.parts[1] && !declared.has(path.parts[1])) {
        report("UNDECLARED_VARIABLE", `"${path.parts[1]}" is used but not declared`, path);
      }
      return;
    }
    const head = path.parts[0];
    if (head === undefined) return; // `this`
    if (path.depth === 0 && scopes.some((s) => s.blockParams.includes(head))) return;
    const scope = scopes[Math.max(scopes.length - 1 - path.depth, 0)]!;
    if (scope.root && !declared.has(head)) {
      report("UNDECLARED_VARIABLE", `"${head}" is used but not declared`, path);
    }
  }

  function checkExpression(node: hbs.AST.Expression, scopes: Scope[]) {
    if (node.type === "PathExpression") checkPath(node as Path, scopes);
    else if (node.type === "SubExpression") checkCall(node as hbs.AST.SubExpression, scopes, false);
  }

  function checkCall(node: Call, scopes: Scope[], block: boolean) {
    const args = [...node.params, ...(node.hash?.pairs ?? []).map((pair) => pair.value)];
    const path = node.path as Path;
    const name =
      path.type === "PathExpression" ? path.original : String((node.path as { value?: unknown }).value);
    const simple =
      path.type === "PathExpression" && !path.data && path.depth === 0 && path.parts.length === 1;
    const isHelperCall =
      block || args.length > 0 || node.type === "SubExpression" || (simple && ALLOWED_HELPERS.has(name));
    if (isHelperCall) {
      if (block && !BLOCKS.has(name)) {
        report("UNKNOWN_HELPER", `"#${name}" is not a block helper (use #each, #if, #unless or #with)`, node);
      } else if (!simple || !ALLOWED_HELPERS.has(name)) {
        report("UNKNOWN_HELPER", `"${name}" is not a known helper`, node);
      }
    } else if (path.type === "PathExpression") {
      checkPath(path, scopes);
    }
    for (const arg of args) checkExpression(arg, scopes);
  }

  function walk(program: hbs.AST.Program | undefined, scopes: Scope[]) {
    for (const statement of program?.body ?? []) {
      switch (statement.type) {
        case "MustacheStatement":
          checkCall(statement as hbs.AST.MustacheStatement, scopes, false);
          break;
        case "BlockStatement": {
          const block = statement as hbs.AST.BlockStatement;
          checkCall(block, scopes, true);
          const name = (block.path as Path).original;
          const inner =
            name === "each" || name === "with"
              ? [...scopes, { root: false, blockParams: block.program?.blockParams ?? [] }]
              : scopes;
          walk(block.program, inner);
          walk(block.inverse, scopes);
          break;
        }
        case "PartialStatement":
        case "PartialBlockStatement":
        case "Decorator":
        case "DecoratorBlock":
          report(
            "PARTIALS_NOT_ALLOWED",
            "Partials and decorators are not allowed in document templates",
            statement,
          );
          break;
        default:
          break;
      }
    }
  }

  walk(program, [{ root: true, blockParams: [] }]);
  return problems;
}
