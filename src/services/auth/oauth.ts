import type { Config } from "../../config/env.js";
import type { Db } from "../../db/client.js";
import { withTransaction } from "../../db/transaction.js";
import { AppError } from "../../lib/errors.js";
import { safeEqual } from "../../lib/secrets.js";
import type { Repositories } from "../../repositories/index.js";
import type { OrganizationRow } from "../../repositories/org.repository.js";
import type { UserRow } from "../../repositories/user.repository.js";
import { recordAudit } from "../audit/record-audit.js";
import type { RequestMeta } from "../context.js";
import { createMember } from "../identity/membership.js";
import { createOAuthClient, type OAuthClient, type OAuthProfile } from "./oauth-providers.js";
import {
  createOAuthStates,
  type OAuthBinding,
  type OAuthProviderName,
  type OAuthState,
} from "./oauth-state.js";
import type { SessionService, TokenPair } from "./session-service.js";

export type OAuthRepositories = Pick<
  Repositories,
  "auditLogs" | "departments" | "orgMembers" | "organizations" | "systemRoles" | "users"
>;

export type OAuthOutcome = "existing" | "linked" | "created";

const userCtx = (user: UserRow, meta: RequestMeta) => ({
  orgId: user.orgId,
  actor: { kind: "user" as const, id: user.id, userId: user.id },
  meta,
});

/**
 * OAuth sign-in (GitHub, Google; authorization-code flow). The account is found by provider id, else
 * linked by a provider-verified email, else created when the organisation allows OAuth sign-up
 * (`settings.oauthSignup: true`); otherwise the sign-in is refused.
 */
export function createOAuthService(deps: {
  db: Db;
  repositories: OAuthRepositories;
  sessions: SessionService;
  config: Pick<Config, "publicUrl"> & { auth: Pick<Config["auth"], "oauth" | "oauthTimeoutMs"> };
  authSecret: string;
}) {
  const { repositories: r } = deps;
  const states = createOAuthStates(deps.authSecret);
  const baseUrl = deps.config.publicUrl.replace(/\/+$/, "");
  const clients = new Map<OAuthProviderName, OAuthClient>();
  for (const name of ["github", "google"] as const) {
    const settings = deps.config.auth.oauth[name];
    if (settings) clients.set(name, createOAuthClient(name, settings, deps.config.auth.oauthTimeoutMs));
  }

  function clientFor(provider: OAuthProviderName): OAuthClient {
    const client = clients.get(provider);
    if (!client) throw new AppError("NOT_FOUND", `Sign-in with ${provider} is not configured on this server`);
    return client;
  }

  const redirectUri = (provider: OAuthProviderName) => `${baseUrl}/auth/oauth/${provider}/callback`;

  function single(users: UserRow[]): UserRow | undefined {
    if (users.length > 1) {
      throw new AppError("VALIDATION", "This account belongs to several organisations; say which one", {
        field: "organization",
      });
    }
    return users[0];
  }

  /** An active organisation by slug, or the default one (where new sign-ups land) without a slug. */
  async function findOrganization(slug?: string): Promise<OrganizationRow | undefined> {
    const org = slug ? await r.organizations.findBySlug(slug) : await r.organizations.findDefault();
    return org?.isActive ? org : undefined;
  }

  function refuseInactive(user: UserRow): UserRow {
    if (!user.isActive) throw new AppError("FORBIDDEN", "This account has been deactivated");
    return user;
  }

  async function signUp(org: OrganizationRow, profile: OAuthProfile, meta: RequestMeta): Promise<UserRow> {
    const email = profile.email!;
    const department = await r.departments.firstActive(org.id);
    const role = await r.systemRoles.findBySlug(org.id, "employee");
    return withTransaction(deps.db, async (tx) => {
      const user = await createMember(
        r,
        {
          orgId: org.id,
          email,
          name: profile.name,
          firstName: profile.firstName,
          lastName: profile.lastName,
          avatarUrl: profile.avatarUrl,
          role: "employee",
          roleId: role?.id ?? null,
          departmentId: department?.id ?? null,
          provider: profile.provider,
          ...(profile.provider === "github"
            ? { githubId: profile.providerId }
            : { googleId: profile.providerId }),
          emailVerifiedAt: new Date(),
        },
        tx,
      );
      await recordAudit(
        r,
        userCtx(user, meta),
        {
          action: "auth.oauth_signup",
          entityType: "user",
          entityId: user.id,
          departmentId: user.departmentId,
          changes: { provider: profile.provider, email, departmentId: user.departmentId, role: "employee" },
        },
        tx,
      );
      return user;
    });
  }

  async function resolveAccount(
    profile: OAuthProfile,
    organization: string | undefined,
    meta: RequestMeta,
  ): Promise<{ user: UserRow; outcome: OAuthOutcome }> {
    const org = organization ? await findOrganization(organization) : undefined;
    if (organization && !org) throw new AppError("FORBIDDEN", "That organisation is not open for sign-in");
    const linked = single(await r.users.findByOAuthId(profile.provider, profile.providerId, org?.id));
    if (linked) return { user: refuseInactive(linked), outcome: "existing" };

    const label = clientFor(profile.provider).label;
    if (!profile.email) {
      throw new AppError("FORBIDDEN", `${label} did not confirm an email address for this account`);
    }
    const byEmail = single(await r.users.findAllByEmail(profile.email, org?.id));
    if (byEmail) {
      refuseInactive(byEmail);
      const field = profile.provider === "github" ? "githubId" : "googleId";
      if (byEmail[field] && byEmail[field] !== profile.providerId) {
        throw new AppError("FORBIDDEN", `This account is already linked to a different ${label} account`);
      }
      const user = await withTransaction(deps.db, async (tx) => {
        const updated = await r.users.update(
          byEmail.id,
          { [field]: profile.providerId, emailVerifiedAt: byEmail.emailVerifiedAt ?? new Date() },
          tx,
        );
        await recordAudit(
          r,
          userCtx(byEmail, meta),
          {
            action: "auth.oauth_linked",
            entityType: "user",
            entityId: byEmail.id,
            departmentId: byEmail.departmentId,
            changes: { provider: profile.provider, [field]: { from: null, to: profile.providerId } },
          },
          tx,
        );
        return updated!;
      });
      return { user, outcome: "linked" };
    }

    const target = org ?? (await findOrganization());
    if (target && target.settings.oauthSignup === true) {
      return { user: await signUp(target, profile, meta), outcome: "created" };
    }
    throw new AppError(
      "FORBIDDEN",
      `No Atrium account matches this ${label} account; ask an administrator for an invitation`,
    );
  }

  return {
    /** The providers configured on this server, for a sign-in page's buttons. */
    providers(): { id: OAuthProviderName; label: string }[] {
      return [...clients.entries()].map(([id, client]) => ({ id, label: client.label }));
    },

    /**
     * Where to send the browser: the provider's consent page, carrying a signed `state` with the
     * binding's nonce (which the caller also sets in the browser's cookie) and, for the web
     * application, the page to return to.
     */
    async start(
      provider: OAuthProviderName,
      input: { organization?: string | undefined },
      binding: OAuthBinding,
    ): Promise<string> {
      const client = clientFor(provider);
      if (input.organization && !(await findOrganization(input.organization))) {
        throw new AppError("NOT_FOUND", `Organisation ${input.organization} was not found`);
      }
      return client.authorizeUrl(
        redirectUri(provider),
        await states.sign(provider, input.organization, binding),
      );
    },

    /**
     * The provider sent the browser back: check state and its binding to this browser, trade the
     * code, sign the account in. `browserNonce` reads, for the verified state, the nonce the browser
     * holds (the cookie set at the start — every flow, web or not); without it the sign-in is refused.
     */
    async callback(
      provider: OAuthProviderName,
      input: { code?: string | undefined; state: string; error?: string | undefined },
      meta: RequestMeta,
      browserNonce: (state: OAuthState) => string | undefined,
    ): Promise<TokenPair & { account: OAuthOutcome; returnTo: string | undefined }> {
      const client = clientFor(provider);
      const state = await states.verify(input.state, provider);
      const nonce = browserNonce(state);
      if (nonce === undefined || !safeEqual(nonce, state.nonce)) {
        throw new AppError(
          "UNAUTHORIZED",
          "This sign-in was started in another browser (or its cookie is gone); start again",
        );
      }
      if (input.error) throw new AppError("UNAUTHORIZED", `${client.label} sign-in was cancelled or refused`);
      if (!input.code) throw new AppError("VALIDATION", "The sign-in code is missing", { field: "code" });
      const profile = await client.profile(input.code, redirectUri(provider));
      const { user, outcome } = await resolveAccount(profile, state.organization, meta);
      const signedIn = await withTransaction(deps.db, async (tx) => {
        const updated = await r.users.update(user.id, { lastLoginAt: new Date() }, tx);
        await recordAudit(
          r,
          userCtx(user, meta),
          {
            action: "auth.oauth_login",
            entityType: "user",
            entityId: user.id,
            changes: { provider, outcome },
          },
          tx,
        );
        return updated!;
      });
      const pair = await deps.sessions.issue(signedIn, meta);
      return { ...pair, account: outcome, returnTo: state.returnTo };
    },
  };
}

export type OAuthService = ReturnType<typeof createOAuthService>;
