import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface DemoDocument {
  filename: string;
  data: Buffer;
}

const PACKAGE_NAME = "atrium";

/**
 * The package root, found by walking up from this file to Atrium's own package.json. This does not
 * depend on the working directory (`npm start`, `npx atrium` from anywhere, tests) nor on how deep
 * this file sits (source run through tsx, or a compiled copy).
 */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name;
      if (name === PACKAGE_NAME) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("Cannot find Atrium's package root (its package.json)");
    dir = parent;
  }
}

/** `demo/documents` of the installed package: one folder of Markdown files per demo department. */
export function demoDocumentsDir(): string {
  return join(packageRoot(), "demo", "documents");
}

/** The bundled documents of one department, sorted by name; none when the folder is absent. */
export async function readDemoDocuments(
  department: string,
  root = demoDocumentsDir(),
): Promise<DemoDocument[]> {
  const folder = join(root, department);
  if (!existsSync(folder)) return [];
  const names = (await readdir(folder)).filter((n) => extname(n) === ".md").sort();
  return Promise.all(
    names.map(async (filename) => ({ filename, data: await readFile(join(folder, filename)) })),
  );
}
