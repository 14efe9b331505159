import { describe, expect, it } from "vitest";
import {
  addMember,
  audits,
  CapturingMailer,
  call,
  createDepartment,
  login,
  PASSWORD,
  signUp,
  uniq,
  useIdentityApp,
} from "./identity-helpers.js";

describe("invitations", () => {
  const mailer = new CapturingMailer();
  const t = useIdentityApp({ PUBLIC_URL: "https://atrium.example.test" }, mailer);

  const invite = (token: string, body: Record<string, unknown>) =>
    call(t, "POST", "/invitations", { token, body });
  const accept = (token: string, password = PASSWORD) =>
    call(t, "POST", "/invitations/accept", { body: { token, name: "Ines Invitee", password } });

  it("invites, mails the link once, and places the new user in the department and role", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const email = `${uniq("Ines")}@Example.test`;
    const res = await invite(tenant.token, { email, departmentId: sales, role: "approver" });
    expect(res.status).toBe(201);
    const { invitation, token, acceptUrl, mailed } = res.body;
    expect(invitation).toMatchObject({ email: email.toLowerCase(), status: "pending", role: "approver" });
    expect(invitation).not.toHaveProperty("tokenHash");
    expect(acceptUrl).toBe(`https://atrium.example.test/accept-invitation?token=${token}`);
    expect(mailed).toBe(true);
    const mail = mailer.sent.find((m) => m.to === email.toLowerCase());
    expect(mail?.text).toContain(acceptUrl);
    const days = (new Date(invitation.expiresAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);

    const stored = await t.context.container.repositories.invitations.findById(invitation.id);
    expect(stored?.tokenHash).not.toContain(token);
    const listed = await call(t, "GET", "/invitations?status=pending", { token: tenant.token });
    expect(listed.body.items.map((i: { id: string }) => i.id)).toContain(invitation.id);
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const accepted = await accept(token);
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({
      email: email.toLowerCase(),
      departmentId: sales,
      role: "approver",
    });
    const me = await call(t, "GET", "/auth/me", { token: accepted.body.tokens.accessToken });
    expect(me.body.permissions).toContain("approvals:decide");
    const member = await t.context.container.repositories.orgMembers.findMembership(
      tenant.orgId,
      accepted.body.user.id,
    );
    expect(member?.role).toBe("member");
    const after = await call(t, "GET", `/invitations/${invitation.id}`, { token: tenant.token });
    expect(after.body).toMatchObject({ status: "accepted", acceptedUserId: accepted.body.user.id });

    const actions = (await audits(t, tenant.orgId)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(["invitation.created", "invitation.accepted", "user.created"]),
    );
  });

  it("refuses a used, revoked, expired or unknown invitation", async () => {
    const tenant = await signUp(t);
    const fresh = async () =>
      (await invite(tenant.token, { email: `${uniq("x")}@example.test`, departmentId: tenant.generalId }))
        .body;

    const used = await fresh();
    expect((await accept(used.token)).status).toBe(200);
    const reuse = await accept(used.token);
    expect(reuse.status).toBe(409);
    expect(reuse.body.error.message).toMatch(/already been used/);

    const revoked = await fresh();
    const del = await call(t, "DELETE", `/invitations/${revoked.invitation.id}`, { token: tenant.token });
    expect(del.status).toBe(200);
    expect(del.body.status).toBe("revoked");
    const afterRevoke = await accept(revoked.token);
    expect(afterRevoke.status).toBe(412);
    expect(afterRevoke.body.error.message).toMatch(/revoked/);
    expect(
      (await call(t, "DELETE", `/invitations/${used.invitation.id}`, { token: tenant.token })).status,
    ).toBe(409);

    const expired = await fresh();
    await t.context.container.repositories.invitations.update(expired.invitation.id, {
      expiresAt: new Date(Date.now() - 1000),
    });
    const late = await accept(expired.token);
    expect(late.status).toBe(412);
    expect(late.body.error.message).toMatch(/expired/);
    const listed = await call(t, "GET", "/invitations?status=expired", { token: tenant.token });
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([expired.invitation.id]);

    expect((await accept("this-token-does-not-exist")).status).toBe(404);
    expect((await accept((await fresh()).token, "short")).status).toBe(400);
    expect((await call(t, "POST", "/invitations/accept", { body: { token: "x" } })).status).toBe(400);
    expect((await audits(t, tenant.orgId, "invitation.revoked")).length).toBe(1);
  });

  it("replaces an open invitation to the same address", async () => {
    const tenant = await signUp(t);
    const email = `${uniq("twice")}@example.test`;
    const first = (await invite(tenant.token, { email, departmentId: tenant.generalId })).body;
    const second = (await invite(tenant.token, { email, departmentId: tenant.generalId })).body;
    expect((await accept(first.token)).status).toBe(412);
    expect((await accept(second.token)).status).toBe(200);
  });

  it("links an existing account only with that account's password", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const member = await addMember(t, tenant.token, tenant.generalId);
    const again = (
      await invite(tenant.token, { email: member.email, departmentId: sales, role: "dept_head" })
    ).body;
    const takeover = await accept(again.token, "attacker-chosen-password");
    expect(takeover.status).toBe(401);
    expect((await login(t, member.email, "attacker-chosen-password")).status).toBe(401);
    const linked = await accept(again.token, PASSWORD);
    expect(linked.status).toBe(200);
    expect(linked.body.user).toMatchObject({ id: member.id, departmentId: sales, role: "dept_head" });
    // Moving departments ends the tokens issued for the old one.
    expect((await call(t, "GET", "/auth/me", { token: member.token })).status).toBe(401);
    const users = await call(t, "GET", "/users?pageSize=100", { token: tenant.token });
    expect(users.body.total).toBe(2);
  });

  it("scopes invitations to the inviter's departments and grants", async () => {
    const tenant = await signUp(t);
    const sales = await createDepartment(t, tenant.token, "Sales");
    const head = await addMember(t, tenant.token, tenant.generalId, "dept_head");
    const employee = await addMember(t, tenant.token, tenant.generalId);
    const email = `${uniq("n")}@example.test`;
    expect((await invite(head.token, { email, departmentId: sales })).status).toBe(404);
    expect((await invite(head.token, { email, departmentId: tenant.generalId, role: "admin" })).status).toBe(
      403,
    );
    expect((await invite(employee.token, { email, departmentId: tenant.generalId })).status).toBe(403);
    const other = await signUp(t, "Other");
    expect((await invite(tenant.token, { email, departmentId: other.generalId })).status).toBe(404);
    expect((await invite(tenant.token, { email, departmentId: sales, role: "nope" })).status).toBe(404);
    expect((await invite(tenant.token, { email: "bad", departmentId: sales })).status).toBe(400);

    const mine = await invite(head.token, { email, departmentId: tenant.generalId, role: "approver" });
    expect(mine.status).toBe(201);
    const theirs = await invite(tenant.token, { email: `${uniq("s")}@example.test`, departmentId: sales });
    const list = await call(t, "GET", "/invitations?pageSize=100", { token: head.token });
    const ids = list.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(mine.body.invitation.id);
    expect(ids).not.toContain(theirs.body.invitation.id);
    const hidden = await call(t, "DELETE", `/invitations/${theirs.body.invitation.id}`, {
      token: head.token,
    });
    expect(hidden.status).toBe(404);
    expect(
      (await call(t, "GET", `/invitations/${mine.body.invitation.id}`, { token: other.token })).status,
    ).toBe(404);
  });
});
