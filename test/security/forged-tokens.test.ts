import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Reply, signUp, type Tenant, useIdentityApp } from "../http/identity-helpers.js";
import {
  claimsOf,
  GUESSABLE_KEYS,
  headerOf,
  hmacJwt,
  swapClaims,
  tamperSignature,
  unsignedJwt,
} from "./forge.js";

/**
 * Access tokens an attacker can make without the server's key, and tokens the server made that must no
 * longer count. Each is presented to `GET /auth/me` and to a data route; every one must get 401 with
 * the UNAUTHORIZED envelope. The genuine token is the control: it gets 200, so a refusal below is the
 * token's fault and not the fixture's.
 */
describe("attack: forged and replayed access tokens", () => {
  const t = useIdentityApp({ ALLOW_SIGNUP: "true" });
  let victim: Tenant;
  let other: Tenant;
  let jkuServer: Server;
  let jkuUrl = "";
  const jkuRequests: string[] = [];

  beforeAll(async () => {
    victim = await signUp(t, "Victim Ltd");
    other = await signUp(t, "Other Ltd");
    // Where a token's jku / x5u header points: the server must never fetch a key from a token.
    jkuServer = createServer((req, res) => {
      jkuRequests.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json" }).end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => jkuServer.listen(0, "127.0.0.1", resolve));
    jkuUrl = `http://127.0.0.1:${(jkuServer.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => jkuServer.close(() => resolve())));

  const serverKey = () => t.context.container.config.auth.secret!;
  const now = () => Math.floor(Date.now() / 1000);
  /** The victim's genuine claims, refreshed for the current time. */
  const genuine = (): Record<string, unknown> => ({
    ...claimsOf(victim.token),
    iat: now(),
    exp: now() + 600,
  });
  const hs256 = { alg: "HS256", typ: "JWT" };

  async function refused(token: string): Promise<void> {
    for (const url of ["/auth/me", "/departments"]) {
      const res: Reply = await call(t, "GET", url, { token });
      expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(401);
      expect(res.body.error.code).toBe("UNAUTHORIZED");
      expect(JSON.stringify(res.body)).not.toContain(victim.adminEmail);
    }
  }

  it("control: the genuine token is accepted, and a copy re-signed with the server's key too", async () => {
    expect((await call(t, "GET", "/auth/me", { token: victim.token })).status).toBe(200);
    // Proves hmacJwt builds what the server accepts, so the refusals below are about the attack.
    const resigned = hmacJwt(headerOf(victim.token), genuine(), serverKey());
    const me = await call(t, "GET", "/auth/me", { token: resigned });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(victim.adminEmail);
  });

  const forgeries: Array<[string, () => string]> = [
    ["a genuine token with one character of its signature changed", () => tamperSignature(victim.token)],
    [
      "a genuine signature over other claims (another user's id)",
      () => swapClaims(victim.token, { ...claimsOf(victim.token), sub: other.adminId }),
    ],
    ["alg: none, no signature", () => unsignedJwt({ alg: "none", typ: "JWT" }, genuine())],
    ["alg: None, no signature", () => unsignedJwt({ alg: "None", typ: "JWT" }, genuine())],
    ["alg: NONE, no signature", () => unsignedJwt({ alg: "NONE" }, genuine())],
    [
      "alg: none with the genuine signature kept",
      () => unsignedJwt({ alg: "none" }, genuine(), victim.token.split(".")[2]),
    ],
    ...GUESSABLE_KEYS.map((key): [string, () => string] => [
      `HS256 signed with the guessable key "${key}"`,
      () => hmacJwt(hs256, genuine(), key),
    ]),
    [
      "kid path traversal to /dev/null with an empty key",
      () => hmacJwt({ ...hs256, kid: "../../../../../../dev/null" }, genuine(), ""),
    ],
    [
      "algorithm confusion: HS512 with the server's own key",
      () => hmacJwt({ alg: "HS512", typ: "JWT" }, genuine(), serverKey(), 512),
    ],
    [
      "algorithm confusion: HS384 with the server's own key",
      () => hmacJwt({ alg: "HS384", typ: "JWT" }, genuine(), serverKey(), 384),
    ],
    [
      "algorithm confusion: RS256 header over an HMAC signature",
      () => hmacJwt({ alg: "RS256", typ: "JWT" }, genuine(), serverKey()),
    ],
    [
      "ES256 header with a made-up signature",
      () => unsignedJwt({ alg: "ES256" }, genuine(), Buffer.alloc(64, 7).toString("base64url")),
    ],
    ["a key offered by the token (jku)", () => hmacJwt({ ...hs256, jku: jkuUrl }, genuine(), "attacker")],
    ["a certificate offered by the token (x5u)", () => hmacJwt({ ...hs256, x5u: jkuUrl }, genuine(), "x")],
    [
      "an embedded key (jwk) the token was signed with",
      () =>
        hmacJwt(
          { ...hs256, jwk: { kty: "oct", k: Buffer.from("attacker").toString("base64url") } },
          genuine(),
          "attacker",
        ),
    ],
    ["only two segments", () => victim.token.split(".").slice(0, 2).join(".")],
    ["four segments", () => `${victim.token}.AAAA`],
    ["claims that are not JSON", () => `${victim.token.split(".")[0]}.bm90LWpzb24.${"A".repeat(43)}`],
  ];

  it.each(forgeries)("%s → 401", async (_name, make) => {
    await refused(make());
  });

  /**
   * Tokens made with the server's own key: what the server might have issued, or what someone with a
   * leaked token could replay. Each must still fail on its claims.
   */
  const wrongClaims: Array<[string, () => Record<string, unknown>]> = [
    ["expired an hour ago", () => ({ ...genuine(), iat: now() - 7200, exp: now() - 3600 })],
    ["not valid before a time in the future", () => ({ ...genuine(), nbf: now() + 3600 })],
    [
      "for another organisation (victim's user id, other org's id)",
      () => ({ ...genuine(), org: other.orgId }),
    ],
    [
      "for another organisation's admin with the victim's organisation",
      () => ({ ...claimsOf(other.token), org: victim.orgId, iat: now(), exp: now() + 600 }),
    ],
    ["for another audience", () => ({ ...genuine(), aud: "another-service" })],
    ["from another issuer", () => ({ ...genuine(), iss: "someone-else" })],
    ["with a tokenVersion from the future", () => ({ ...genuine(), tv: Number(genuine().tv) + 1 })],
    ["with the tokenVersion as a string", () => ({ ...genuine(), tv: String(genuine().tv) })],
    [
      "with a session that does not exist",
      () => ({ ...genuine(), sid: "00000000-0000-7000-8000-000000000000" }),
    ],
    ["with another user's session", () => ({ ...genuine(), sid: claimsOf(other.token).sid })],
    ["without a subject", () => ({ ...genuine(), sub: undefined })],
    [
      "with a user id that does not exist",
      () => ({ ...genuine(), sub: "00000000-0000-7000-8000-00000000dead" }),
    ],
  ];

  it.each(wrongClaims)("signed with the server's key but %s → 401", async (_name, claims) => {
    await refused(hmacJwt(hs256, claims(), serverKey()));
  });

  it("never fetched a key from a URL named in a token", () => {
    expect(jkuRequests).toEqual([]);
  });

  it("a token in the query string or a cookie is not a credential", async () => {
    for (const request of [
      { url: `/auth/me?access_token=${victim.token}`, headers: {} },
      { url: "/auth/me", headers: { cookie: `access_token=${victim.token}; token=${victim.token}` } },
      { url: "/auth/me", headers: { authorization: `Basic ${victim.token}` } },
      { url: "/auth/me", headers: { authorization: victim.token } },
    ]) {
      const res = await t.app.inject({ method: "GET", ...request });
      expect(res.statusCode, request.url).toBe(401);
    }
  });

  it("a refresh token is not an access token, and an access token is not a refresh token", async () => {
    await refused(victim.refreshToken);
    const asRefresh = await call(t, "POST", "/auth/refresh", { body: { refreshToken: victim.token } });
    expect(asRefresh.status).toBe(401);
    // Neither attempt cost the victim anything: their own pair still works.
    expect((await call(t, "GET", "/auth/me", { token: victim.token })).status).toBe(200);
  });

  it("an API key with a known prefix and a guessed secret, or in the wrong shape, → 401", async () => {
    const created = await call(t, "POST", "/api-keys", {
      token: victim.token,
      body: { name: "probe", permissions: ["kb:read"], allDepartments: true },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key: string = created.body.key;
    const [, prefix] = key.split("_");
    for (const guess of [
      `atr_${prefix}_${"A".repeat(43)}`,
      `atr_${prefix}_`,
      `atr_${prefix}`,
      key.toUpperCase(),
    ]) {
      const res = await t.app.inject({ method: "GET", url: "/auth/me", headers: { "x-api-key": guess } });
      expect(res.statusCode, guess).toBe(401);
    }
    const genuineKey = await t.app.inject({ method: "GET", url: "/auth/me", headers: { "x-api-key": key } });
    expect(genuineKey.statusCode).toBe(200);
  });
});
