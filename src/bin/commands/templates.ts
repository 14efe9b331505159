import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import { z } from "zod";
import type { Container } from "../../app/container.js";
import { AppError, isAppError } from "../../lib/errors.js";
import { systemContext } from "../../services/orgs/system-context.js";
import {
  type ImportProblem,
  TEMPLATE_FILE_EXTENSIONS,
  type TemplateFile,
} from "../../services/templates/index.js";

type WithContainer = <T>(
  work: (container: Container) => Promise<T>,
  options?: { migrate: boolean },
) => Promise<T>;

const MAX_TEMPLATE_BYTES = 512 * 1024;

const isTemplate = (name: string) => TEMPLATE_FILE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

const inside = (root: string, path: string) => path === root || path.startsWith(root + sep);

/**
 * The template files under `folder`, read only when they really are inside it: `..` in the argument
 * is resolved first, and a symbolic link (to a file or a folder) whose target lies outside the folder
 * is refused, as is anything that is not a regular file or folder.
 */
export async function readTemplateFolder(folder: string): Promise<TemplateFile[]> {
  const root = await realpath(resolve(folder)).catch(() => {
    throw new Error(`No folder at ${folder}`);
  });
  if (!(await lstat(root)).isDirectory()) throw new Error(`${folder} is not a folder`);
  const files: TemplateFile[] = [];
  const walk = async (dir: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      const real = await realpath(path).catch(() => undefined);
      const shown = relative(root, path);
      if (!real || !inside(root, real)) {
        throw new Error(`${shown} points outside ${folder}; templates are only read from inside the folder`);
      }
      const info = await lstat(real);
      if (info.isDirectory()) {
        if (real === path) await walk(path);
        else throw new Error(`${shown} is a link to a folder; import that folder itself`);
      } else if (info.isFile() && isTemplate(entry.name)) {
        if (info.size > MAX_TEMPLATE_BYTES) throw new Error(`${shown} is larger than 512 KiB`);
        files.push({ path: shown, source: await readFile(real, "utf8") });
      }
    }
  };
  await walk(root);
  return files;
}

const importOptions = z.object({
  org: z.string().optional(),
  department: z.string().optional(),
  convert: z.boolean().optional(),
});

const printProblems = (problems: ImportProblem[]) => {
  for (const p of problems) console.error(`${p.file}:${p.line}:${p.column}: ${p.message}`);
};

/** `atrium templates import <folder>`: legacy file-backed templates, optionally converted. */
export function registerTemplateCommands(program: Command, withContainer: WithContainer): void {
  const templates = program.command("templates").description("document templates");
  templates
    .command("import")
    .description(
      "record the .hbs, .md.hbs and .html.hbs files of a folder (front matter declares their variables) as templates",
    )
    .argument("<folder>", "the folder to read (recursively; nothing outside it is read)")
    .option("--org <slug>", "the organisation (default: the default organisation)")
    .option(
      "--department <name>",
      "the department the templates belong to (name or id; default: organisation-wide)",
    )
    .option("--convert", "also create or update API-managed document templates from them")
    .action((folder: string, raw: unknown) => {
      const parsed = importOptions.safeParse(raw);
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
      const options = parsed.data;
      return withContainer(async (container) => {
        const files = await readTemplateFolder(folder);
        if (files.length === 0) throw new Error(`No .hbs, .md.hbs or .html.hbs files in ${folder}`);
        const org = await container.services.orgs.resolve(options.org);
        if (!org)
          throw new AppError("NOT_FOUND", "There is no default organisation; say which one with --org");
        const ctx = systemContext(org.id, container.database.db, container.logger);
        let departmentId: string | null = null;
        if (options.department) {
          const wanted = options.department;
          const page = await container.services.departments.list(
            ctx,
            { includeArchived: false, search: wanted },
            { page: 1, pageSize: 100 },
          );
          const match = page.items.find(
            (d) => d.id === wanted || d.name.toLowerCase() === wanted.toLowerCase(),
          );
          if (!match) throw new Error(`There is no department named "${wanted}"`);
          departmentId = match.id;
        }
        try {
          const result = await container.services.legacyTemplates.import(ctx, files, {
            departmentId,
            convert: options.convert ?? false,
          });
          for (const t of result.recorded) {
            console.log(`${t.created ? "recorded" : "updated "} ${t.name} (${t.file})`);
          }
          for (const t of result.converted) {
            console.log(
              `${t.created ? "converted" : "re-converted"} ${t.name} → document template ${t.id} v${t.version}`,
            );
          }
          console.log(
            `${result.recorded.length} template(s) imported${options.convert ? `, ${result.converted.length} converted` : ""}`,
          );
        } catch (error) {
          const problems = isAppError(error)
            ? (error.details as { problems?: ImportProblem[] } | undefined)?.problems
            : undefined;
          if (problems && "file" in (problems[0] ?? {})) printProblems(problems);
          throw error;
        }
      });
    });
}
