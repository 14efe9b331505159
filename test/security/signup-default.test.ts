import { describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";

/**
 * Open sign-up made anyone an organisation admin of a fresh organisation (and, with stdio MCP tools,
 * a process on the host). Public sign-up is now off unless the operator sets ALLOW_SIGNUP=true, in
 * embedded mode too (issue 10, finding 1). The test app runs embedded (PGlite) or on a server database,
 * with ALLOW_SIGNUP unset.
 */
describe("attack: sign up an organisation on an Atrium that did not open sign-up", () => {
  const t = useTestApp({ env: { ALLOW_SIGNUP: "" } });

  it("POST /orgs answers 403 by default and creates no organisation", async () => {
    expect(t.context.container.config.allowSignup).toBe(false);
    const before = await t.context.container.repositories.organizations.count(undefined);
    const res = await t.app.inject({
      method: "POST",
      url: "/orgs",
      payload: {
        organization: { name: "Drive-by Corp" },
        admin: { name: "Mallory", email: "mallory@drive-by.example", password: "a-long-password-1" },
      },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: "FORBIDDEN" });
    expect(res.json().error.message).toMatch(/Sign-up is closed/);
    expect(await t.context.container.repositories.organizations.count(undefined)).toBe(before);
  });
});
