import type { Db } from "../../db/client.js";
import type { Mailer } from "../../providers/mail/index.js";
import type { Repositories } from "../../repositories/index.js";
import type { AccountLockout } from "../auth/account-lockout.js";
import type { Authenticator } from "../auth/authenticate.js";
import type { SessionService } from "../auth/session-service.js";
import { createInvitationAcceptance } from "./accept-invitation.js";
import { createInvitationService } from "./invitation-service.js";

export type InvitationsRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "invitations" | "orgMembers" | "organizations" | "systemRoles" | "users"
>;

/** Invitations: create (mailed when a mailer is configured), list, revoke, accept. */
export function createInvitationsService(deps: {
  db: Db;
  repositories: InvitationsRepositories;
  sessions: SessionService;
  authenticator: Authenticator;
  lockout: AccountLockout;
  publicUrl: string;
  mailer?: Mailer | undefined;
}) {
  return { ...createInvitationService(deps), ...createInvitationAcceptance(deps) };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
