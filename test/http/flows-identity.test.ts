import { describe, expect, it } from "vitest";
import {
  addMember,
  audits,
  call,
  createDepartment,
  login,
  PASSWORD,
  signUp,
  uniq,
  useIdentityApp,
} from "./identity-helpers.js";

/** Identity flows driven the way a person would, over HTTP only. */
describe("identity flows", () => {
  const t = useIdentityApp();
  const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id).sort();

  it("sign up → invite → accept → login → refresh → change password → old tokens rejected", async () => {
    const tenant = await signUp(t, "Flow Ltd");
    const support = await createDepartment(t, tenant.token, "Support");
    const email = `${uniq("pat")}@example.test`;
    const invitation = await call(t, "POST", "/invitations", {
      token: tenant.token,
      body: { email, departmentId: support, role: "employee" },
    });
    expect(invitation.status).toBe(201);
    const accepted = await call(t, "POST", "/invitations/accept", {
      body: { token: invitation.body.token, name: "Pat Person", password: PASSWORD },
    });
    expect(accepted.status).toBe(200);
    const fromAccept = accepted.body.tokens;

    const signedIn = await login(t, email);
    expect(signedIn.status).toBe(200);
    const refreshed = await call(t, "POST", "/auth/refresh", {
      body: { refreshToken: signedIn.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const me = await call(t, "GET", "/auth/me", { token: refreshed.body.accessToken });
    expect(me.body).toMatchObject({ email, departmentIds: [support] });

    const changed = await call(t, "POST", "/users/me/password", {
      token: refreshed.body.accessToken,
      body: { currentPassword: PASSWORD, newPassword: "a-brand-new-password" },
    });
    expect(changed.status).toBe(200);
    for (const token of [fromAccept.accessToken, signedIn.body.accessToken, refreshed.body.accessToken]) {
      expect((await call(t, "GET", "/auth/me", { token })).status).toBe(401);
    }
    for (const refreshToken of [fromAccept.refreshToken, refreshed.body.refreshToken]) {
      expect((await call(t, "POST", "/auth/refresh", { body: { refreshToken } })).status).toBe(401);
    }
    expect((await login(t, email)).status).toBe(401);
    const fresh = await login(t, email, "a-brand-new-password");
    expect(fresh.status).toBe(200);
    expect((await call(t, "GET", "/auth/me", { token: fresh.body.accessToken })).status).toBe(200);
    expect((await call(t, "GET", "/auth/me", { token: changed.body.accessToken })).status).toBe(200);

    const actions = (await audits(t, tenant.orgId)).map((a) => a.action);
    for (const action of [
      "org.created",
      "department.created",
      "invitation.created",
      "invitation.accepted",
      "user.created",
      "auth.login",
      "user.password_changed",
    ]) {
      expect(actions).toContain(action);
    }
  });

  it("a role change takes effect on the next request, with the same token", async () => {
    const tenant = await signUp(t);
    const member = await addMember(t, tenant.token, tenant.generalId);
    expect((await call(t, "GET", "/users", { token: member.token })).status).toBe(403);
    const promoted = await call(t, "PATCH", `/users/${member.id}`, {
      token: tenant.token,
      body: { role: "dept_head" },
    });
    expect(promoted.status).toBe(200);
    expect((await call(t, "GET", "/users", { token: member.token })).status).toBe(200);
    await call(t, "PATCH", `/users/${member.id}`, {
      token: tenant.token,
      body: { revokedPermissions: ["users:manage"] },
    });
    expect((await call(t, "GET", "/users", { token: member.token })).status).toBe(403);
    const [row] = await audits(t, tenant.orgId, "user.role_changed").then((rows) =>
      rows.filter((r) => r.entityId === member.id && r.actorId === tenant.adminId),
    );
    expect(row?.changes).toMatchObject({ role: { from: "employee", to: "dept_head" } });
  });

  it("a transfer moves access: the new department's data, not the old; old tokens rejected", async () => {
    const tenant = await signUp(t);
    const from = await createDepartment(t, tenant.token, "From");
    const to = await createDepartment(t, tenant.token, "To");
    const mover = await addMember(t, tenant.token, from);
    const before = await call(t, "GET", "/departments", { token: mover.token });
    expect(ids(before.body)).toEqual([from]);
    expect((await call(t, "GET", `/departments/${to}`, { token: mover.token })).status).toBe(404);

    const moved = await call(t, "POST", `/users/${mover.id}/transfer`, {
      token: tenant.token,
      body: { departmentId: to },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.departmentId).toBe(to);
    expect((await call(t, "GET", "/departments", { token: mover.token })).status).toBe(401);

    // The session survives the move: a refresh hands out a token with the new reach.
    const refreshed = await call(t, "POST", "/auth/refresh", { body: { refreshToken: mover.refreshToken } });
    expect(refreshed.status).toBe(200);
    const token = refreshed.body.accessToken;
    expect(ids((await call(t, "GET", "/departments", { token })).body)).toEqual([to]);
    expect((await call(t, "GET", `/departments/${from}`, { token })).status).toBe(404);
    expect((await call(t, "GET", `/departments/${to}`, { token })).status).toBe(200);

    const [row] = await audits(t, tenant.orgId, "user.transferred");
    expect(row).toMatchObject({
      entityId: mover.id,
      departmentId: to,
      changes: { departmentId: { from, to } },
    });
  });

  it("a deactivated user's token is refused at once and sign-in is refused", async () => {
    const tenant = await signUp(t);
    const member = await addMember(t, tenant.token, tenant.generalId);
    await call(t, "POST", `/users/${member.id}/deactivate`, { token: tenant.token });
    const res = await call(t, "GET", "/departments", { token: member.token });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("UNAUTHORIZED");
    expect((await login(t, member.email)).status).toBe(401);
  });
});
