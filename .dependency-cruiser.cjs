/**
 * Import rules of src/ (`npm run deps:check`, part of `npm run check`; ADR 0010).
 *
 * Layers, highest first; a module imports its own layer or any layer below it, never one above:
 *
 *   transport        src/http, src/bin, src/worker     HTTP routes, CLI commands, the worker process
 *   composition root src/app                          builds everything (container.ts)
 *   services         src/services                     business rules
 *   jobs             src/jobs                         job catalog, queue, producer and runner
 *   repositories     src/repositories                 SQL
 *   infrastructure   src/db, src/providers            database, cache, models, mail, storage, …
 *   foundation       src/core, src/config, src/lib    shared types, configuration, utilities
 *
 * The layers are written once, in LAYERS; the rules below are generated from them. No cycles anywhere
 * in src/ (type-only imports included: a cycle of types is still a tangle to read).
 */

/** Highest first. `path` is a regular expression over the module's path. */
const LAYERS = [
  { name: "transport", path: "^src/(http|bin|worker)/" },
  { name: "composition root", path: "^src/app/" },
  { name: "services", path: "^src/services/" },
  { name: "jobs", path: "^src/jobs/" },
  { name: "repositories", path: "^src/repositories/" },
  { name: "infrastructure", path: "^src/(db|providers)/" },
  { name: "foundation", path: "^src/(core|config)/" },
  { name: "lib", path: "^src/lib/" },
];

/**
 * Known violations that are too big to fix in the step that added the check. Each names the file and
 * why; remove the entry when it is fixed (the check then keeps it fixed).
 */
const TEMPORARY_EXCEPTIONS = [];

const layerRules = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(0, index);
  if (above.length === 0) return [];
  return [
    {
      name: `layer-${layer.name.replace(/ /g, "-")}`,
      comment: `${layer.name} must not import a layer above it (${above.map((l) => l.name).join(", ")})`,
      severity: "error",
      from: { path: layer.path, pathNot: TEMPORARY_EXCEPTIONS },
      to: { path: above.map((l) => l.path) },
    },
  ];
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "no-circular",
      comment: "No import cycles: split the shared part out into a module both can import",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "routes-no-database",
      comment:
        "HTTP routes validate, build a ServiceContext and call one service verb: no SQL, no Drizzle (docs/architecture.md)",
      severity: "error",
      from: { path: "^src/http/routes/" },
      to: { path: ["^src/db/", "^src/repositories/", "(^|/)node_modules/drizzle-orm/"] },
    },
    {
      name: "chat-stages-independent",
      comment:
        "A chat stage reads and writes the turn state only; what two stages share lives outside stages/ (src/services/chat/pipeline.ts runs them in order)",
      severity: "error",
      from: { path: "^src/services/chat/stages/" },
      to: { path: "^src/services/chat/stages/" },
    },
    {
      name: "no-test-code-in-src",
      comment: "Production code does not import the tests' helpers",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^test/" },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that does not resolve is a typo or a missing dependency",
      severity: "error",
      from: { path: "^src/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
  },
};
