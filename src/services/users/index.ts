import type { Repositories } from "../../repositories/index.js";
import type { AccountLockout } from "../auth/account-lockout.js";
import type { Authenticator } from "../auth/authenticate.js";
import type { SessionService } from "../auth/session-service.js";
import { createUserLoader } from "./load-user.js";
import { createUserCredentials } from "./user-credentials.js";
import { createUserLifecycle } from "./user-lifecycle.js";
import { createUserService } from "./user-service.js";

export type UsersRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "orgMembers" | "sessions" | "systemRoles" | "users"
>;

/** Users: directory, profile and access edits, lifecycle (deactivate, transfer) and credentials. */
export function createUsersService(deps: {
  repositories: UsersRepositories;
  authenticator: Authenticator;
  sessions: SessionService;
  lockout: AccountLockout;
}) {
  const loader = createUserLoader(deps.repositories, deps.authenticator);
  return {
    ...createUserService({ repositories: deps.repositories, loader }),
    ...createUserLifecycle({ repositories: deps.repositories, loader, lockout: deps.lockout }),
    ...createUserCredentials(deps),
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
