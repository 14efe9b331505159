import { describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";

describe("POST /orgs with sign-up closed (ALLOW_SIGNUP=false)", () => {
  const t = useTestApp({ env: { ALLOW_SIGNUP: "false" } });

  it("refuses to create an organisation and creates nothing", async () => {
    const before = await t.context.container.repositories.organizations.count(undefined);
    const res = await t.app.inject({
      method: "POST",
      url: "/orgs",
      payload: {
        organization: { name: "Closed Corp" },
        admin: { name: "Cleo", email: "cleo@closed.example", password: "a-long-password-1" },
      },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: "FORBIDDEN" });
    expect(await t.context.container.repositories.organizations.count(undefined)).toBe(before);
  });
});
