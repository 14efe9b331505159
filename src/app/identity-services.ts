import type { Config } from "../config/env.js";
import type { Db } from "../db/client.js";
import type { Logger } from "../lib/logger.js";
import type { CounterStore } from "../providers/counters/counter-store.js";
import type { Mailer } from "../providers/mail/index.js";
import type { Repositories } from "../repositories/index.js";
import { createApiKeyService } from "../services/api-keys/api-key-service.js";
import { createAuditService } from "../services/audit/list-audit.js";
import { createAccessTokens } from "../services/auth/access-tokens.js";
import { createAccountLockout } from "../services/auth/account-lockout.js";
import { createAuthenticator } from "../services/auth/authenticate.js";
import { createOAuthService } from "../services/auth/oauth.js";
import { createPasswordResetService } from "../services/auth/password-reset.js";
import { createSessionService } from "../services/auth/session-service.js";
import { createDepartmentService } from "../services/departments/department-service.js";
import { createInvitationsService } from "../services/invitations/index.js";
import { createOrgService } from "../services/orgs/org-service.js";
import { createRoleService } from "../services/roles/role-service.js";
import { createUsersService } from "../services/users/index.js";

/**
 * Identity and the organisation's structure: sign-in, sessions, tokens and lockout, password reset,
 * OAuth, API keys, invitations, users, roles, departments, organisations and the audit log. Part of the
 * composition root (`container.ts`), which passes the secret it resolved once.
 */
export function createIdentityServices(deps: {
  config: Config;
  logger: Logger;
  db: Db;
  repositories: Repositories;
  counters: CounterStore;
  mailer: Mailer;
  authSecret: string;
}) {
  const { config, db, repositories, mailer, authSecret } = deps;
  const tokens = createAccessTokens(authSecret, config.auth.accessTokenTtlSeconds);
  const lockout = createAccountLockout(deps.counters, config.auth.lockout);
  const sessions = createSessionService({
    db,
    repositories,
    tokens,
    refreshTtlDays: config.auth.refreshTokenTtlDays,
    lockout,
  });
  const authenticator = createAuthenticator({ repositories, tokens });
  return {
    authenticator,
    sessions,
    passwordReset: createPasswordResetService({
      db,
      repositories,
      mailer,
      publicUrl: config.publicUrl,
      logger: deps.logger,
      lockout,
    }),
    oauth: createOAuthService({ db, repositories, sessions, config, authSecret }),
    apiKeys: createApiKeyService(repositories),
    audit: createAuditService(repositories),
    departments: createDepartmentService(repositories),
    orgs: createOrgService({ db, repositories, sessions, allowSignup: config.allowSignup }),
    users: createUsersService({ repositories, authenticator, sessions, lockout }),
    roles: createRoleService(repositories),
    invitations: createInvitationsService({
      db,
      repositories,
      sessions,
      authenticator,
      lockout,
      publicUrl: config.publicUrl,
      mailer,
    }),
  };
}
