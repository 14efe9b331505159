import { beforeAll, describe, expect, it } from "vitest";
import {
  addMember,
  ask,
  call,
  createAgent,
  createDepartment,
  seedKnowledge,
  signUp,
  startConversation,
  useChatApp,
} from "../http/chat-helpers.js";
import type { Member, Reply, Tenant } from "../http/identity-helpers.js";

/**
 * SQL and tsquery syntax in every search an attacker can type into: knowledge search (hybrid and full
 * text), conversation search (titles and message text, own and department scope) and the list filters.
 * Each answer is 200 or 400 — never a 500, never a database message — and never holds another
 * department's documents or conversations. Random requests on every route are the HTTP property test's
 * job (test/http/property.test.ts); these are the payloads an attacker picks by hand.
 */

/** A word only department D2's document and conversation contain. */
const THEIRS = "zebracorn";
/** A word only D1's document and conversation contain (the control: payloads still find it). */
const OURS = "quokkafish";

const PAYLOADS = [
  "'",
  "''",
  "\\",
  "\\'",
  "'; DROP TABLE chunks; --",
  "' OR '1'='1",
  `${OURS}' OR '1'='1' --`,
  `${OURS}') OR 1=1 --`,
  "1; SELECT pg_sleep(5)",
  "$$ || (SELECT string_agg(email, ',') FROM users) || $$",
  "/* */ UNION SELECT * FROM users --",
  "&|!():*",
  "& | ! ( ) : *",
  "!!!",
  "(((",
  ")))",
  ":*",
  "*",
  `${THEIRS}:*`,
  "zebra:*",
  `${OURS} | ${THEIRS}`,
  `${OURS} <-> ${THEIRS}`,
  `${OURS} <2> ${THEIRS}`,
  `!${OURS}`,
  `-${OURS} ${THEIRS}`,
  "<->",
  "a <-> <-> b",
  '"unbalanced',
  "'unbalanced",
  `"${OURS}`,
  `${THEIRS} OR ${OURS}`,
  "%",
  "_",
  `%${THEIRS.slice(2, 6)}%`,
  "E'\\x00'",
  "::text",
  "ｓｅｌｅｃｔ ＇",
  "\u0000",
  `${OURS}\u0000${THEIRS}`,
  "\u202e'",
  "&".repeat(500),
  "(".repeat(200),
];

const DATABASE_WORDS = /syntax error|tsquery|tsvector|SELECT|relation "|pg_|invalid byte sequence|ERROR:/i;

describe("attack: SQL and tsquery syntax in searches and filters", () => {
  const t = useChatApp({ ALLOW_SIGNUP: "true" });
  let tenant: Tenant;
  let d1: string;
  let d2: string;
  let employeeD1: Member;
  let headD1: Member;
  let memberD2: Member;
  let theirDocument: string;
  let theirConversation: string;

  beforeAll(async () => {
    tenant = await signUp(t);
    d1 = await createDepartment(t, tenant.token, "Ours");
    d2 = await createDepartment(t, tenant.token, "Theirs");
    employeeD1 = await addMember(t, tenant.token, d1, "employee");
    headD1 = await addMember(t, tenant.token, d1, "dept_head");
    memberD2 = await addMember(t, tenant.token, d2, "employee");
    await seedKnowledge(t, tenant.token, d1, "Our notes", `The ${OURS} policy covers our team.`);
    theirDocument = (
      await seedKnowledge(t, tenant.token, d2, `${THEIRS} plan`, `The ${THEIRS} project is confidential.`)
    ).documentId;
    for (const [member, department, word] of [
      [employeeD1, d1, OURS],
      [memberD2, d2, THEIRS],
    ] as const) {
      const agent = await createAgent(t, tenant.token, {
        departmentId: department,
        primaryModelProvider: "extractive",
      });
      const conversation = await startConversation(t, member.token, agent);
      const res = await ask(t, member.token, conversation, `What about the ${word} thing?`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      if (word === THEIRS) theirConversation = conversation;
    }
  });

  function harmless(res: Reply, label: string) {
    expect([200, 400], `${label}: ${JSON.stringify(res.body).slice(0, 300)}`).toContain(res.status);
    if (res.status === 400) expect(res.body.error.code).toBe("VALIDATION");
    expect(JSON.stringify(res.body), label).not.toMatch(DATABASE_WORDS);
  }
  function nothingOfTheirs(res: Reply, label: string) {
    const text = JSON.stringify(res.body);
    for (const hidden of [THEIRS, theirDocument, theirConversation, d2]) {
      expect(text.includes(hidden), `${label}: shows ${hidden}`).toBe(false);
    }
  }

  it("controls: each side finds its own word, so an empty answer below is isolation, not absence", async () => {
    const mine = await call(t, "POST", "/search", { token: employeeD1.token, body: { query: OURS } });
    expect(JSON.stringify(mine.body)).toContain(OURS);
    const theirs = await call(t, "POST", "/search", { token: memberD2.token, body: { query: THEIRS } });
    expect(JSON.stringify(theirs.body)).toContain(theirDocument);
    const conversations = await call(t, "GET", `/conversations?q=${THEIRS}`, { token: memberD2.token });
    expect(JSON.stringify(conversations.body)).toContain(theirConversation);
    const department = await call(t, "GET", `/conversations?scope=department&q=${OURS}`, {
      token: headD1.token,
    });
    expect(department.status, JSON.stringify(department.body)).toBe(200);
    expect(department.body.total).toBeGreaterThan(0);
  });

  it.each(PAYLOADS.map((p) => [JSON.stringify(p).slice(0, 60), p]))(
    "knowledge search with %s: 200 or 400, nothing of another department",
    async (label, query) => {
      for (const mode of [undefined, "fulltext", "vector"]) {
        const res = await call(t, "POST", "/search", {
          token: employeeD1.token,
          body: { query, ...(mode ? { mode } : {}), limit: 100 },
        });
        harmless(res, `${label} ${mode ?? "hybrid"}`);
        nothingOfTheirs(res, `${label} ${mode ?? "hybrid"}`);
      }
    },
  );

  it.each(PAYLOADS.map((p) => [JSON.stringify(p).slice(0, 60), p]))(
    "conversation search with %s: 200 or 400, nothing of another department",
    async (label, q) => {
      const query = new URLSearchParams({ q, pageSize: "100" }).toString();
      for (const [who, url] of [
        [employeeD1, `/conversations?${query}`],
        [headD1, `/conversations?scope=department&${query}`],
        [headD1, `/conversations?scope=department&limit=100&q=${encodeURIComponent(q)}`],
      ] as const) {
        const res = await call(t, "GET", url, { token: who.token });
        harmless(res, `${label} ${url.slice(0, 40)}`);
        nothingOfTheirs(res, label);
      }
    },
  );

  it.each(PAYLOADS.map((p) => [JSON.stringify(p).slice(0, 60), p]))(
    "list filters with %s: 200 or 400, never a database error",
    async (label, q) => {
      const filters = [
        "/departments?search=",
        "/users?search=",
        "/org/members?search=",
        "/knowledge-bases?search=",
        "/tools?search=",
        "/agents?q=",
        "/personas?q=",
        "/namespaces?q=",
      ];
      for (const filter of filters) {
        // The admin reaches every list; the D1 head's answers must also hold nothing of D2.
        const asAdmin = await call(t, "GET", `${filter}${encodeURIComponent(q)}`, { token: tenant.token });
        harmless(asAdmin, `${label} ${filter}`);
        const asHead = await call(t, "GET", `${filter}${encodeURIComponent(q)}`, { token: headD1.token });
        if (asHead.status === 403) continue;
        harmless(asHead, `${label} ${filter} (D1 head)`);
        nothingOfTheirs(asHead, `${label} ${filter} (D1 head)`);
      }
    },
  );

  it("LIKE wildcards in a filter match themselves, not everything", async () => {
    const all = await call(t, "GET", "/departments", { token: tenant.token });
    expect(all.body.total).toBeGreaterThanOrEqual(3);
    for (const wildcard of ["%", "_", "%%", "\\%"]) {
      const res = await call(t, "GET", `/departments?search=${encodeURIComponent(wildcard)}`, {
        token: tenant.token,
      });
      expect(res.status).toBe(200);
      expect(res.body.total, wildcard).toBe(0);
    }
  });
});
