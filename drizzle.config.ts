import { defineConfig } from "drizzle-kit";

// Generation only: drizzle-kit never connects. Migrations are applied by `atrium migrate`.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema/index.ts",
  out: process.env.DRIZZLE_OUT ?? "./drizzle",
  casing: "snake_case",
  strict: true,
});
