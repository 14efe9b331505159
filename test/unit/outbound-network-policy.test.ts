import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPinnedFetch } from "../../src/lib/outbound/pinned-fetch.js";
import { assertAllowedHost, BlockedAddressError, isBlockedAddress } from "../../src/lib/outbound/ssrf.js";

describe("outbound network policy", () => {
  it.each([
    "169.254.169.254",
    "::ffff:169.254.169.254",
    "fe80::1",
    "0.0.0.0",
    "::",
    "224.0.0.1",
    "255.255.255.255",
  ])("%s is refused even when private networks are allowed", (address) => {
    expect(isBlockedAddress(address, "private")).toBe(true);
    expect(isBlockedAddress(address, "public")).toBe(true);
  });

  it.each(["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "::1", "fd00::1", "::ffff:10.0.0.1"])(
    "%s is reachable only when private networks are allowed",
    (address) => {
      expect(isBlockedAddress(address, "private")).toBe(false);
      expect(isBlockedAddress(address, "public")).toBe(true);
    },
  );

  it.each([
    ["IPv4-compatible loopback", "::7f00:1"],
    ["IPv4-compatible loopback, dotted", "::127.0.0.1"],
    ["IPv4-compatible public address", "::93.184.216.34"],
    ["IPv4-compatible metadata", "::a9fe:a9fe"],
    ["6to4 of metadata", "2002:a9fe:a9fe::1"],
    ["NAT64 of metadata", "64:ff9b::a9fe:a9fe"],
    ["NAT64 of metadata, dotted", "64:ff9b::169.254.169.254"],
    ["local-use NAT64 of metadata", "64:ff9b:1:a9fe:a9:fe00::"],
    ["6to4 of 0.0.0.0", "2002::1"],
  ])("%s (%s) is refused even when private networks are allowed", (_label, address) => {
    expect(isBlockedAddress(address, "private")).toBe(true);
    expect(isBlockedAddress(address, "public")).toBe(true);
    expect(isBlockedAddress(`[${address}]`, "public")).toBe(true);
  });

  it.each([
    ["6to4 of loopback", "2002:7f00:1::"],
    ["6to4 of 10/8", "2002:a00:1::1"],
    ["6to4 of 192.168/16", "2002:c0a8:1::"],
    ["NAT64 of loopback", "64:ff9b::7f00:1"],
    ["NAT64 of 10/8", "64:ff9b::10.0.0.1"],
    ["local-use NAT64 of 192.168/16", "64:ff9b:1:c0a8:1:100::"],
  ])("%s (%s) is reachable only when private networks are allowed", (_label, address) => {
    expect(isBlockedAddress(address, "public")).toBe(true);
    expect(isBlockedAddress(address, "private")).toBe(false);
  });

  it("admits 6to4 of a public address and ordinary public IPv6 (controls)", () => {
    expect(isBlockedAddress("2002:5db8:d822::1", "public")).toBe(false);
    expect(isBlockedAddress("2606:4700:4700::1111", "public")).toBe(false);
  });

  it("checks IP addresses up front under either policy, names up front only under public", async () => {
    await expect(assertAllowedHost("169.254.169.254", "private")).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(assertAllowedHost("[::1]", "public")).rejects.toBeInstanceOf(BlockedAddressError);
    await expect(assertAllowedHost("127.0.0.1", "private")).resolves.toBeUndefined();
    await expect(assertAllowedHost("localhost", "public")).rejects.toThrow(/private or reserved address/);
    // Under `private` the connection's own lookup decides (below); nothing is resolved here.
    await expect(assertAllowedHost("no-such-host.invalid", "private")).resolves.toBeUndefined();
  });

  describe("pinned fetch", () => {
    let server: Server;
    let port: number;
    const seen: string[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        const parts: Buffer[] = [];
        req.on("data", (part: Buffer) => parts.push(part));
        req.on("end", () => {
          seen.push(`${req.method} ${req.url} ${Buffer.concat(parts).toString("utf8")}`);
          res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const init = (method = "GET", body?: string) => ({
      method,
      headers: { "content-type": "application/json" },
      body,
      redirect: "manual" as const,
      signal: AbortSignal.timeout(5_000),
    });

    it("refuses a name that resolves to loopback at connect time under public, without connecting", async () => {
      const before = seen.length;
      const failure = await createPinnedFetch({ policy: "public" })(
        `http://localhost:${port}/x`,
        init(),
      ).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(BlockedAddressError);
      expect(seen.length).toBe(before);
    });

    it("connects under private and sends the method and body", async () => {
      const response = await createPinnedFetch({ policy: "private" })(
        `http://localhost:${port}/items`,
        init("POST", '{"id":7}'),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
      expect(seen.at(-1)).toBe('POST /items {"id":7}');
    });
  });
});
