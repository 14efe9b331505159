import { type SQL, sql } from "drizzle-orm";
import type { Access } from "../core/access.js";
import type { Queryable } from "../db/client.js";
import { guarded } from "../db/errors.js";

export const analyticsReports = [
  "activity",
  "tokens",
  "feedback",
  "citations",
  "unanswered",
  "documents",
  "approvals",
  "autonomy",
  "schedules",
] as const;
export type AnalyticsReportName = (typeof analyticsReports)[number];

export const analyticsGroups = ["none", "department", "assistant", "model", "channel", "intent"] as const;
export type AnalyticsGroup = (typeof analyticsGroups)[number];
export type AnalyticsInterval = "day" | "week" | "total";

export interface AnalyticsFilter {
  orgId: string;
  /** Inclusive start and exclusive end (UTC instants). */
  start: Date;
  end: Date;
  access: Access;
}

/** One (period, group) cell: `period` the UTC day or ISO week's Monday, or null for the total. */
export interface AnalyticsCell {
  period: string | null;
  key: string | null;
  label: string | null;
  measures: Record<string, number>;
}

/**
 * A report's source: one row per fact, with the columns every report can group by (`at`,
 * `department_id`, `agent_id`, `channel`, `model`, `intent`) and the measures as aggregates over it.
 * `from` is a SQL fragment selecting those columns for one organisation and period.
 */
interface Source {
  from: (f: AnalyticsFilter) => SQL;
  measures: Record<string, SQL>;
  groups: readonly AnalyticsGroup[];
}

const period = (f: AnalyticsFilter, column: SQL) =>
  sql`${column} >= ${f.start.toISOString()} and ${column} < ${f.end.toISOString()}`;

/**
 * The caller's department reach on a raw column: rows without a department (organisation-wide
 * assistants) are seen only by callers who reach every department, as in the usage report.
 */
export function rawDepartmentScope(column: SQL, access: Access): SQL {
  const excluded = [...access.excludedDepartmentIds];
  if (access.allDepartments) {
    return excluded.length > 0
      ? sql`(${column} is null or ${column} not in (${sql.join(
          excluded.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}))`
      : sql`true`;
  }
  const ids = [...access.departmentIds].filter((id) => !access.excludedDepartmentIds.has(id));
  return ids.length > 0
    ? sql`${column} in (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`
    : sql`false`;
}

const n = (expr: SQL) => sql`coalesce(${expr}, 0)`;
const common: readonly AnalyticsGroup[] = ["none", "department", "assistant", "model", "channel"];

const sources: Record<AnalyticsReportName, Source> = {
  /** Messages and conversations with activity (a message) in the period. */
  activity: {
    from: (f) => sql`select m.created_at as at, c.department_id, c.agent_id, c.channel::text as channel,
        m.model, null::text as intent, c.id as conversation_id, m.role::text as role
      from messages m join conversations c on c.id = m.conversation_id
      where m.org_id = ${f.orgId} and ${period(f, sql`m.created_at`)}`,
    measures: {
      conversations: sql`count(distinct conversation_id)`,
      messages: sql`count(*)`,
      questions: sql`count(*) filter (where role = 'user')`,
      answers: sql`count(*) filter (where role = 'assistant')`,
    },
    groups: common,
  },
  /** Tokens and cost of model runs. */
  tokens: {
    from: (f) => sql`select r.created_at as at, r.department_id, r.agent_id, c.channel::text as channel,
        r.provider || '/' || r.model as model, null::text as intent, r.total_tokens, r.prompt_tokens,
        r.completion_tokens, r.cost_usd
      from agent_runs r left join conversations c on c.id = r.conversation_id
      where r.org_id = ${f.orgId} and ${period(f, sql`r.created_at`)}`,
    measures: {
      runs: sql`count(*)`,
      promptTokens: n(sql`sum(prompt_tokens)`),
      completionTokens: n(sql`sum(completion_tokens)`),
      totalTokens: n(sql`sum(total_tokens)`),
      costUsd: sql`round(${n(sql`sum(cost_usd)`)}::numeric, 6)`,
    },
    groups: common,
  },
  /** Thumbs up and down on answers. */
  feedback: {
    from: (f) => sql`select fb.created_at as at, c.department_id, c.agent_id, c.channel::text as channel,
        m.model, null::text as intent, fb.rating
      from feedback fb join conversations c on c.id = fb.conversation_id
      left join messages m on m.id = fb.message_id
      where fb.org_id = ${f.orgId} and ${period(f, sql`fb.created_at`)}`,
    measures: {
      ratings: sql`count(*)`,
      positive: sql`count(*) filter (where rating > 0)`,
      negative: sql`count(*) filter (where rating < 0)`,
      positiveShare: sql`round(${n(sql`avg(case when rating > 0 then 1.0 else 0.0 end)`)}, 4)`,
    },
    groups: common,
  },
  /** Share of the assistant's answers that carry at least one verified citation. */
  citations: {
    from: (f) => sql`select m.created_at as at, c.department_id, c.agent_id, c.channel::text as channel,
        m.model, null::text as intent, jsonb_array_length(m.sources) > 0 as cited
      from messages m join conversations c on c.id = m.conversation_id
      where m.org_id = ${f.orgId} and m.role = 'assistant' and m.author_id is null
        and ${period(f, sql`m.created_at`)}`,
    measures: {
      answers: sql`count(*)`,
      cited: sql`count(*) filter (where cited)`,
      coverage: sql`round(${n(sql`avg(case when cited then 1.0 else 0.0 end)`)}, 4)`,
    },
    groups: common,
  },
  /** Turns the relevance gate found no relevant passage for (`metadata.relevance.decision`). */
  unanswered: {
    from: (f) => sql`select r.created_at as at, r.department_id, r.agent_id, c.channel::text as channel,
        r.provider || '/' || r.model as model, r.metadata -> 'intent' ->> 'name' as intent,
        r.metadata -> 'relevance' ->> 'decision' as decision
      from agent_runs r left join conversations c on c.id = r.conversation_id
      where r.org_id = ${f.orgId} and ${period(f, sql`r.created_at`)}`,
    measures: {
      turns: sql`count(*)`,
      judged: sql`count(*) filter (where decision is not null)`,
      unanswered: sql`count(*) filter (where decision = 'off-topic')`,
      unansweredShare: sql`round(${n(
        sql`avg(case when decision = 'off-topic' then 1.0 when decision is not null then 0.0 end)`,
      )}, 4)`,
    },
    groups: ["none", "department", "assistant", "model", "channel", "intent"],
  },
  /** Documents cited in answers, most cited first (grouped by document: `key` is its id). */
  documents: {
    from: (f) => sql`select m.created_at as at, c.department_id, c.agent_id, c.channel::text as channel,
        m.model, null::text as intent, s ->> 'documentId' as document_id, m.id as message_id
      from messages m join conversations c on c.id = m.conversation_id
      cross join lateral jsonb_array_elements(m.sources) s
      where m.org_id = ${f.orgId} and m.role = 'assistant' and jsonb_typeof(m.sources) = 'array'
        and ${period(f, sql`m.created_at`)}`,
    measures: {
      citations: sql`count(*)`,
      answers: sql`count(distinct message_id)`,
    },
    // Always one row per document (`key` its id); "none" is the only grouping.
    groups: ["none"],
  },
  /** Held replies: decisions, approval rate and time to decision per intent (or other group). */
  approvals: {
    from: (f) => sql`select a.created_at as at, a.department_id, c.agent_id, c.channel::text as channel,
        null::text as model, a.intent_name as intent, a.status::text as status,
        extract(epoch from (a.decided_at - a.created_at)) as decision_seconds
      from approvals a left join conversations c on c.id = a.conversation_id
      where a.org_id = ${f.orgId} and ${period(f, sql`a.created_at`)}`,
    measures: {
      held: sql`count(*)`,
      decided: sql`count(*) filter (where status in ('approved', 'edited', 'rejected'))`,
      approved: sql`count(*) filter (where status in ('approved', 'edited'))`,
      rejected: sql`count(*) filter (where status = 'rejected')`,
      approvalRate: sql`round(${n(
        sql`avg(case when status in ('approved', 'edited') then 1.0 when status = 'rejected' then 0.0 end)`,
      )}, 4)`,
      avgDecisionSeconds: sql`round(${n(sql`avg(decision_seconds)`)}::numeric, 1)`,
    },
    groups: ["none", "department", "assistant", "channel", "intent"],
  },
  /**
   * Turns with a classified intent: how many were answered without being held for approval (the
   * autonomy share); a turn is held when an approval exists for its answer message.
   */
  autonomy: {
    from: (f) => sql`select r.created_at as at, r.department_id, r.agent_id, c.channel::text as channel,
        r.provider || '/' || r.model as model, r.metadata -> 'intent' ->> 'name' as intent,
        exists (select 1 from approvals a where a.message_id = r.message_id) as held
      from agent_runs r left join conversations c on c.id = r.conversation_id
      where r.org_id = ${f.orgId} and r.metadata -> 'intent' ->> 'name' is not null
        and ${period(f, sql`r.created_at`)}`,
    measures: {
      turns: sql`count(*)`,
      held: sql`count(*) filter (where held)`,
      autonomous: sql`count(*) filter (where not held)`,
      autonomyShare: sql`round(${n(sql`avg(case when held then 0.0 else 1.0 end)`)}, 4)`,
    },
    groups: ["none", "department", "assistant", "model", "channel", "intent"],
  },
  /** Scheduled runs and their outcomes. */
  schedules: {
    from: (f) => sql`select sr.created_at as at, s.department_id, s.agent_id, 'schedule' as channel,
        null::text as model, null::text as intent, sr.status
      from schedule_runs sr join schedules s on s.id = sr.schedule_id
      where sr.org_id = ${f.orgId} and ${period(f, sql`sr.created_at`)}`,
    measures: {
      runs: sql`count(*)`,
      done: sql`count(*) filter (where status = 'done')`,
      failed: sql`count(*) filter (where status = 'failed')`,
      skipped: sql`count(*) filter (where status = 'skipped')`,
    },
    groups: ["none", "department", "assistant"],
  },
};

export function reportMeasures(report: AnalyticsReportName): string[] {
  return Object.keys(sources[report].measures);
}

export function reportGroups(report: AnalyticsReportName): readonly AnalyticsGroup[] {
  return sources[report].groups;
}

const groupKey: Record<AnalyticsGroup, { key: SQL; label: SQL }> = {
  none: { key: sql`null::text`, label: sql`null::text` },
  department: {
    key: sql`f.department_id::text`,
    label: sql`(select d.name from departments d where d.id = f.department_id)`,
  },
  assistant: {
    key: sql`f.agent_id::text`,
    label: sql`(select a.name from agents a where a.id = f.agent_id)`,
  },
  model: { key: sql`f.model`, label: sql`f.model` },
  channel: { key: sql`f.channel`, label: sql`f.channel` },
  intent: { key: sql`f.intent`, label: sql`f.intent` },
};

const periodOf: Record<AnalyticsInterval, SQL> = {
  day: sql`to_char(f.at at time zone 'UTC', 'YYYY-MM-DD')`,
  week: sql`to_char(date_trunc('week', f.at at time zone 'UTC'), 'YYYY-MM-DD')`,
  total: sql`null::text`,
};

/** Aggregated reports over conversations, runs, feedback, approvals and schedules (analytics client). */
export class AnalyticsRepository {
  constructor(private readonly db: Queryable) {}

  async cells(
    report: AnalyticsReportName,
    filter: AnalyticsFilter,
    group: AnalyticsGroup,
    interval: AnalyticsInterval,
  ): Promise<AnalyticsCell[]> {
    const source = sources[report];
    const names = Object.keys(source.measures);
    const by = groupKey[group];
    const documents = report === "documents";
    const key = documents ? sql`f.document_id` : by.key;
    const label = documents
      ? sql`(select d.title from documents d where d.id::text = f.document_id)`
      : by.label;
    const measures = sql.join(
      names.map((name) => sql`${source.measures[name]} as ${sql.identifier(name)}`),
      sql`, `,
    );
    const p = periodOf[interval];
    const order = documents ? sql`${p}, 4 desc` : sql`${p}, 3`;
    const query = sql`select ${p} as period, ${key} as key, ${label} as label, ${measures}
      from (${source.from(filter)}) f
      where ${rawDepartmentScope(sql`f.department_id`, filter.access)}
      group by 1, 2, 3 order by ${order}`;
    const result = (await guarded(() => this.db.execute(query))) as unknown as {
      rows: Record<string, unknown>[];
    };
    return result.rows.map((row) => ({
      period: (row.period as string | null) ?? null,
      key: (row.key as string | null) ?? null,
      label: (row.label as string | null) ?? null,
      measures: Object.fromEntries(names.map((name) => [name, Number(row[name] ?? 0)])),
    }));
  }
}
