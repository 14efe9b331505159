import { readdirSync, readFileSync } from "node:fs";
import { getTableName, is } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema/index.js";

const root = new URL("../../", import.meta.url);
const doc = readFileSync(new URL("docs/data-model.md", root), "utf8");
const seedsDir = new URL("../shared/seeds/", root);
const seedText = (prefix: string) => {
  const file = readdirSync(seedsDir).find((f) => f.startsWith(prefix));
  if (!file) throw new Error(`seed ${prefix} not found in ../shared/seeds`);
  return readFileSync(new URL(file, seedsDir), "utf8");
};

// Every model of seed 000 and every table of seed 001, as the specification documents name them.
const SEED_000 = [
  "SystemRole",
  "Department",
  "User",
  "PasswordResetToken",
  "KnowledgeBase",
  "Document",
  "Chunk",
  "ChunkQuestion",
  "Namespace",
  "NamespacePlugin",
  "Conversation",
  "Message",
  "PiiRedactionMap",
  "Approval",
  "IntentTrust",
  "IntentExample",
  "Template",
  "DocumentTemplate",
  "DocumentGeneration",
  "EmployeeProfile",
  "AgentTask",
  "AgentToolCall",
  "AuditLog",
  "AgentRun",
  "RetrievalHit",
  "Notification",
];
const SEED_001 = [
  "users",
  "orgs",
  "org_members",
  "sessions",
  "invitations",
  "passwordResets",
  "agents",
  "agentVersions",
  "threads",
  "messages",
  "personas",
  "knowledgeBases",
  "knowledgeBaseFiles",
  "knowledgeBaseFreeformTexts",
  "knowledgeBaseTables",
  "knowledgeBaseWebUrls",
  "embeddings",
  "tools",
  "tasks",
  "schedules",
];

interface MappingRow {
  seed: string;
  entity: string;
  table: string;
}

function mappingRows(): MappingRow[] {
  return doc
    .split("\n")
    .filter((line) => /^\|\s*00[01]\s*\|/.test(line))
    .map((line) => {
      const cells = line.split("|").map((c) => c.trim());
      const table = /`([a-z_]+)`/.exec(cells[3] ?? "")?.[1];
      if (!table) throw new Error(`mapping row without a backticked table: ${line}`);
      return { seed: cells[1] ?? "", entity: cells[2] ?? "", table };
    });
}

const schemaTables = new Set(
  Object.values(schema)
    .filter((value) => is(value, PgTable))
    .map((table) => getTableName(table as PgTable)),
);

describe("docs/data-model.md seed mapping", () => {
  const rows = mappingRows();

  it("names only tables that exist in the schema", () => {
    const missing = rows.filter((r) => !schemaTables.has(r.table));
    expect(missing).toEqual([]);
  });

  it("maps every model of seed 000", () => {
    const text = seedText("000_");
    for (const model of SEED_000) expect(text, `seed 000 mentions ${model}`).toContain(model);
    const mapped = new Set(rows.filter((r) => r.seed === "000").map((r) => r.entity));
    expect(SEED_000.filter((m) => !mapped.has(m))).toEqual([]);
  });

  it("maps every table of seed 001", () => {
    const text = seedText("001_");
    for (const table of SEED_001) expect(text, `seed 001 mentions ${table}`).toContain(table);
    const mapped = new Set(rows.filter((r) => r.seed === "001").map((r) => r.entity.replace(/`/g, "")));
    expect(SEED_001.filter((t) => !mapped.has(t))).toEqual([]);
  });

  it("documents every table of the schema", () => {
    const documented =
      schemaTables.size > 0 ? [...schemaTables].filter((t) => !doc.includes(`\`${t}\``)) : ["none"];
    expect(documented).toEqual([]);
  });
});
