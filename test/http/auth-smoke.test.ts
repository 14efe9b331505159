import { describe, expect, it } from "vitest";
import { useTestApp } from "../setup/container.js";

describe("auth smoke", () => {
  const t = useTestApp();
  it("logs in the demo admin and lists departments", async () => {
    await t.context.container.services.seed.seedDemoIfEmpty();
    const login = await t.app.inject({
      method: "POST",
      url: "/auth/login",
      payload: { email: "admin@demo.atrium.local", password: "demo-password-1" },
    });
    expect(login.statusCode).toBe(200);
    const token = login.json().accessToken;
    const list = await t.app.inject({
      method: "GET",
      url: "/departments",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBe(3);
    const none = await t.app.inject({ method: "GET", url: "/departments" });
    expect(none.statusCode).toBe(401);
    const spec = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(Object.keys(spec.json().paths)).toContain("/departments/{id}");
  });
});
