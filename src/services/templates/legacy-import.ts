import { basename } from "node:path";
import type { TemplateVariable } from "../../db/schema/templates.js";
import { AppError, isAppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { type BlobStorage, blobKey } from "../../providers/storage/index.js";
import type { Repositories } from "../../repositories/index.js";
import { recordAudit } from "../audit/record-audit.js";
import type { ServiceContext } from "../context.js";
import { checkTemplate } from "./engine/check-template.js";
import { FrontMatterError, parseTemplateFile } from "./front-matter.js";
import { OUTPUT_TYPES, type OutputFormat } from "./output/index.js";
import { assertTemplateScopeWritable, declaredNames } from "./template-access.js";
import type { TemplateService } from "./template-service.js";
import { assertValidDeclarations } from "./variables.js";

export type LegacyImportRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "documentTemplates" | "organizations" | "templates"
>;

/** The file extensions `atrium templates import` reads, longest first. */
export const TEMPLATE_FILE_EXTENSIONS = [".md.hbs", ".html.hbs", ".hbs"] as const;

export interface TemplateFile {
  /** The path relative to the imported folder (shown in problems and recorded). */
  path: string;
  source: string;
}

/** Something wrong with one file, where it is in that file (1-based). */
export interface ImportProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

interface Prepared {
  file: TemplateFile;
  name: string;
  description: string | null;
  category: string | null;
  outputFormat: OutputFormat;
  variables: TemplateVariable[];
  body: string;
}

const OUTPUT_ALIASES: Record<string, OutputFormat> = { txt: "text", md: "markdown" };

function prepare(file: TemplateFile, problems: ImportProblem[]): Prepared | undefined {
  const at = (line: number, column: number, message: string) =>
    problems.push({ file: file.path, line, column, message });
  const ext = TEMPLATE_FILE_EXTENSIONS.find((e) => file.path.toLowerCase().endsWith(e)) ?? ".hbs";
  let parsed: ReturnType<typeof parseTemplateFile>;
  try {
    parsed = parseTemplateFile(file.source);
  } catch (error) {
    if (error instanceof FrontMatterError) at(error.line, 1, error.message);
    else throw error;
    return undefined;
  }
  const { frontMatter: fm, body, bodyLineOffset, variableLines } = parsed;
  const lineOf = (name: string) => variableLines[fm.variables.findIndex((v) => v.name === name)] ?? 1;
  const requested = fm.outputFormat ? (OUTPUT_ALIASES[fm.outputFormat] ?? fm.outputFormat) : undefined;
  const outputFormat = (requested ?? (ext === ".html.hbs" ? "html" : "markdown")) as OutputFormat;
  const before = problems.length;
  if (!(outputFormat in OUTPUT_TYPES)) {
    at(1, 1, `outputFormat must be one of ${Object.keys(OUTPUT_TYPES).join(", ")}, txt`);
  }
  try {
    assertValidDeclarations(fm.variables);
  } catch (error) {
    if (!isAppError(error)) throw error;
    const listed = (error.details as { problems?: { variable: string; message: string }[] })?.problems;
    for (const p of listed ?? [{ variable: "", message: error.message }]) {
      at(lineOf(p.variable), 1, `variable ${p.variable ? `"${p.variable}" ` : ""}${p.message}`);
    }
  }
  for (const p of checkTemplate(body, declaredNames(fm.variables))) {
    at(p.line + bodyLineOffset, p.column, p.message);
  }
  if (problems.length > before) return undefined;
  const fileName = basename(file.path);
  return {
    file,
    name: (fm.name ?? fileName.slice(0, fileName.length - ext.length)).trim() || fileName,
    description: fm.description ?? null,
    category: fm.category ?? null,
    outputFormat,
    variables: fm.variables,
    body,
  };
}

/**
 * `atrium templates import`: records file-backed templates (seed 000 `Template`: the file in blob
 * storage, its declared variables in the row) and, when asked, converts them into API-managed
 * document templates through the same checks as the API. Every file is checked first; when any has a
 * problem nothing is written and every problem is listed with its file, line and column.
 */
export function createLegacyTemplateImporter(deps: {
  repositories: LegacyImportRepositories;
  storage: BlobStorage;
  documentTemplates: TemplateService;
}) {
  const r = deps.repositories;
  return {
    async import(
      ctx: ServiceContext,
      files: TemplateFile[],
      options: { departmentId: string | null; convert: boolean },
    ) {
      await assertTemplateScopeWritable(r, ctx, options.departmentId);
      const problems: ImportProblem[] = [];
      const prepared = files.map((f) => prepare(f, problems)).filter((p): p is Prepared => p !== undefined);
      const seen = new Map<string, string>();
      for (const p of prepared) {
        const other = seen.get(p.name.toLowerCase());
        if (other)
          problems.push({
            file: p.file.path,
            line: 1,
            column: 1,
            message: `name "${p.name}" is also ${other}'s`,
          });
        seen.set(p.name.toLowerCase(), p.file.path);
      }
      if (problems.length > 0) {
        throw new AppError(
          "VALIDATION",
          `${problems.length} problem(s) in the templates; nothing was imported`,
          {
            reason: "TEMPLATE_INVALID",
            problems,
          },
        );
      }

      const recorded: { id: string; name: string; file: string; created: boolean }[] = [];
      const converted: { id: string; name: string; version: number; created: boolean }[] = [];
      for (const p of prepared) {
        const existing = await r.templates.findInScope(ctx.orgId, options.departmentId, p.name, ctx.db);
        const id = existing?.id ?? newId();
        const key = blobKey("orgs", ctx.orgId, "templates", id, `${newId()}.hbs`);
        await deps.storage.put(key, Buffer.from(p.file.source, "utf8"), { contentType: "text/x-handlebars" });
        const values = {
          name: p.name,
          description: p.description,
          filePath: key,
          variables: p.variables,
        };
        const row = existing
          ? (await r.templates.update(existing.id, values, ctx.db))!
          : await r.templates.create(
              {
                ...values,
                id,
                orgId: ctx.orgId,
                departmentId: options.departmentId,
                createdById: ctx.actor.userId ?? null,
              },
              ctx.db,
            );
        if (existing && existing.filePath !== key) {
          await deps.storage.delete(existing.filePath).catch(() => undefined);
        }
        recorded.push({ id: row.id, name: row.name, file: p.file.path, created: !existing });
        await recordAudit(r, ctx, {
          action: existing ? "template.updated" : "template.imported",
          entityType: "template",
          entityId: row.id,
          departmentId: options.departmentId,
          changes: { name: p.name, file: p.file.path },
        });

        if (!options.convert) continue;
        const api = {
          name: p.name,
          description: p.description,
          category: p.category,
          templateBody: p.body,
          variables: p.variables,
          outputFormat: p.outputFormat,
        };
        const current = await r.documentTemplates.findInScope(
          ctx.orgId,
          options.departmentId,
          p.name,
          ctx.db,
        );
        const saved = current
          ? await deps.documentTemplates.update(ctx, current.id, api)
          : await deps.documentTemplates.create(ctx, { ...api, departmentId: options.departmentId });
        if (saved.legacyTemplateId !== row.id) {
          await r.documentTemplates.update(saved.id, { legacyTemplateId: row.id }, ctx.db);
        }
        converted.push({ id: saved.id, name: saved.name, version: saved.version, created: !current });
      }
      return { recorded, converted };
    },
  };
}

export type LegacyTemplateImporter = ReturnType<typeof createLegacyTemplateImporter>;
