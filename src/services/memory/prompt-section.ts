import { approximateTokens } from "../../lib/text/tokens.js";
import type { ProfilePreferences } from "./profile.js";

/** The budget of the memory section in a prompt: it must never crowd out retrieved passages. */
export const MEMORY_SECTION_MAX_TOKENS = 120;

export interface PromptProfile {
  summary: string;
  currentProjects: string[];
  preferences: Record<string, unknown>;
  frequentIntents: { intent: string; count: number }[];
}

function preferenceText(raw: Record<string, unknown>): string {
  const p = raw as ProfilePreferences;
  const parts: string[] = [];
  if (typeof p.language === "string") parts.push(`answers in ${p.language}`);
  if (p.answerLength === "short") parts.push("short answers");
  if (p.answerLength === "detailed") parts.push("detailed answers");
  if (typeof p.format === "string") parts.push(p.format);
  if (Array.isArray(p.statements))
    parts.push(...p.statements.filter((s) => typeof s === "string").slice(0, 2));
  return parts.join("; ");
}

/**
 * The profile as a compact prompt section (at most ~120 tokens), or null when it says nothing.
 * Lines are dropped from the least useful end until it fits; it is labelled as possibly out of date
 * so the model treats it as context, not instructions.
 */
export function profileSection(profile: PromptProfile): string | null {
  const preferences = preferenceText(profile.preferences);
  // Lower rank = kept longer: preferences shape the answer most, then projects, summary, topics.
  const candidates = [
    { rank: 2, text: profile.summary ? `- ${profile.summary}` : "" },
    {
      rank: 1,
      text:
        profile.currentProjects.length > 0
          ? `- Current projects: ${profile.currentProjects.slice(0, 4).join(", ")}`
          : "",
    },
    { rank: 0, text: preferences ? `- Preferences: ${preferences}` : "" },
    {
      rank: 3,
      text:
        profile.frequentIntents.length > 0
          ? `- Frequent topics: ${profile.frequentIntents
              .slice(0, 5)
              .map((i) => i.intent)
              .join(", ")}`
          : "",
    },
  ].filter((c) => c.text);
  const head = "About the user (memory of earlier conversations; may be out of date):";
  const render = (kept: typeof candidates) => [head, ...kept.map((c) => c.text)].join("\n");
  let kept = candidates;
  while (kept.length > 0 && approximateTokens(render(kept)) > MEMORY_SECTION_MAX_TOKENS) {
    const worst = Math.max(...kept.map((c) => c.rank));
    kept = kept.filter((c) => c.rank !== worst);
  }
  return kept.length > 0 ? render(kept) : null;
}
