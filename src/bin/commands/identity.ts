import type { Command } from "commander";
import { z } from "zod";
import type { Container } from "../../app/container.js";
import { AppError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import type { ServiceContext } from "../../services/context.js";
import { systemContext } from "../../services/orgs/system-context.js";
import { formatTable } from "./table.js";

type WithContainer = <T>(
  work: (container: Container) => Promise<T>,
  options?: { migrate: boolean },
) => Promise<T>;

const createAdminOptions = z.object({
  email: z.email("--email must be an email address").max(320),
  password: z.string().min(10, "--password must be at least 10 characters").max(1024),
  name: z.string().trim().min(1).max(200).optional(),
  org: z.string().min(1).max(64).optional(),
});

function parse<T extends z.ZodType>(schema: T, options: unknown): z.infer<T> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data;
}

/** The organisation a command means (by --org, else the default one) as a system context. */
async function orgContext(container: Container, slug: string | undefined): Promise<ServiceContext> {
  const org = await container.services.orgs.resolve(slug);
  if (!org) throw new AppError("NOT_FOUND", "There is no default organisation; say which one with --org");
  return systemContext(org.id, container.database.db, container.logger);
}

/** `atrium users …` and `atrium roles …`: operator tools on top of the same services as the API. */
export function registerIdentityCommands(program: Command, withContainer: WithContainer): void {
  const users = program.command("users").description("people and their access");

  users
    .command("create-admin")
    .description("create an administrator (and the default organisation on an empty database)")
    .requiredOption("--email <email>", "the administrator's email")
    .requiredOption("--password <password>", "at least 10 characters")
    .option("--name <name>", "display name (default: the email's local part)")
    .option("--org <slug>", "the organisation (default: the default organisation)")
    .action((raw: unknown) => {
      const options = parse(createAdminOptions, raw);
      return withContainer(
        async (container) => {
          const name = options.name ?? options.email.split("@")[0]!;
          const admin = { email: options.email, password: options.password, name };
          const org = await container.services.orgs.resolve(options.org);
          if (!org) {
            const created = await container.services.orgs.createDefault(admin, {
              requestId: `cli-${newId()}`,
            });
            console.log(
              `Created organisation "${created.organization.slug}" and administrator ${created.admin.email}`,
            );
            return;
          }
          const ctx = systemContext(org.id, container.database.db, container.logger);
          const user = await container.services.users.createAdmin(ctx, admin);
          console.log(`Created administrator ${user.email} in organisation "${org.slug}"`);
        },
        { migrate: true },
      );
    });

  users
    .command("list")
    .description("list users")
    .option("--org <slug>", "the organisation (default: the default organisation)")
    .option("--search <text>", "only names or emails containing this")
    .option("--page <n>", "page number (100 users a page)", "1")
    .action((raw: unknown) => {
      const options = parse(
        z.object({
          org: z.string().optional(),
          search: z.string().max(200).optional(),
          page: z.coerce.number("--page must be a number").int().min(1, "--page must be at least 1"),
        }),
        raw,
      );
      return withContainer(async (container) => {
        const ctx = await orgContext(container, options.org);
        const result = await container.services.users.list(
          ctx,
          { search: options.search },
          { page: options.page, pageSize: 100 },
        );
        const rows = result.items.map((u) => [
          u.email,
          u.name ?? "",
          u.role,
          u.isActive ? "active" : "deactivated",
          u.id,
        ]);
        console.log(formatTable(["EMAIL", "NAME", "ROLE", "STATUS", "ID"], rows));
        console.log(
          `\n${result.items.length} of ${result.total} users (page ${result.page}/${result.totalPages || 1})`,
        );
      });
    });

  program
    .command("roles")
    .description("roles and permissions")
    .command("list")
    .description("list the roles of an organisation")
    .option("--org <slug>", "the organisation (default: the default organisation)")
    .action((raw: unknown) => {
      const options = parse(z.object({ org: z.string().optional() }), raw);
      return withContainer(async (container) => {
        const ctx = await orgContext(container, options.org);
        const roles = await container.services.roles.list(ctx);
        const rows = roles.map((r) => [
          r.slug,
          r.name,
          r.isSystem ? "built-in" : "custom",
          r.allDepartments ? "all" : String(r.departmentIds.length),
          r.permissions.join(","),
        ]);
        console.log(formatTable(["SLUG", "NAME", "KIND", "DEPARTMENTS", "PERMISSIONS"], rows));
      });
    });
}
