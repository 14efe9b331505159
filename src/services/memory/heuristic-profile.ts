import { STOP_WORDS, stem, words } from "../../lib/text/words.js";
import type { ExtractedProfile, ProfileInput, ProfilePreferences } from "./profile.js";

/**
 * The offline profile extractor: deterministic rules over the user's own recent messages, no model.
 *
 * - frequent intents: content words (stop words and chat filler removed, grouped by Porter stem) ranked
 *   by how many messages mention them, then by total mentions, then alphabetically; top 5, each at
 *   least twice when there are enough messages.
 * - current projects: "project X" / "working on X" / "the X project" (X up to four words), plus
 *   Capitalised Multiword Names that appear in at least two messages; top 5 by mentions, then recency.
 * - preferences: explicit statements only ("I prefer …", "please answer in French", "keep it short",
 *   "in bullet points", …); the newest statement of each kind wins. A language is also recorded when
 *   most messages are clearly written in one other than English.
 * - summary: department + top topics + projects, one or two short sentences.
 */

const FILLER = new Set(
  `please thanks thank hello hi hey need want know help tell give get got like question questions answer
  answers reply make let see look find show use one two yes ok okay sure still well really going go say
  said think way much many thing things something anything everything someone today tomorrow yesterday
  time prefer keep short long brief detail detailed working work project projects would could kind
  also just mean means im ive id dont cant wont whats`.split(/\s+/),
);

const LANGUAGES = [
  "English",
  "French",
  "German",
  "Spanish",
  "Italian",
  "Portuguese",
  "Dutch",
  "Polish",
  "Swedish",
  "Danish",
  "Norwegian",
  "Finnish",
  "Czech",
  "Greek",
  "Turkish",
  "Russian",
  "Ukrainian",
  "Japanese",
  "Chinese",
  "Korean",
  "Arabic",
  "Hebrew",
  "Hindi",
];

/** A few very common words per language, enough to tell which one a message is written in. */
const LANGUAGE_MARKERS: Record<string, ReadonlySet<string>> = {
  French: new Set("le la les des est une pour pas que qui avec dans sur vous nous je".split(" ")),
  German: new Set("der die das und ist nicht ich sie wir mit für auf ein eine auch".split(" ")),
  Spanish: new Set("el los las que por para una con del está como pero usted yo".split(" ")),
  Italian: new Set("il gli che per una con non sono della questo come anche io".split(" ")),
  Portuguese: new Set("os que para uma com não como mais você eu está isso".split(" ")),
  Dutch: new Set("de het een en van ik niet dat zijn voor met ook wij".split(" ")),
  English: new Set("the and is are you what how with for this that not".split(" ")),
};

const MAX_TOPICS = 5;
const MAX_PROJECTS = 5;
const MAX_STATEMENTS = 3;

function isTopicWord(word: string): boolean {
  return word.length > 2 && !/^\d+$/.test(word) && !STOP_WORDS.has(word) && !FILLER.has(word);
}

function topics(messages: string[]): { intent: string; count: number }[] {
  const byStem = new Map<string, { docs: number; total: number; forms: Map<string, number> }>();
  for (const text of messages) {
    const seen = new Set<string>();
    for (const word of words(text)) {
      if (!isTopicWord(word)) continue;
      const key = stem(word);
      const entry = byStem.get(key) ?? { docs: 0, total: 0, forms: new Map() };
      entry.total++;
      entry.forms.set(word, (entry.forms.get(word) ?? 0) + 1);
      if (!seen.has(key)) entry.docs++;
      seen.add(key);
      byStem.set(key, entry);
    }
  }
  const minDocs = messages.length >= 4 ? 2 : 1;
  const form = (forms: Map<string, number>) =>
    [...forms].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
  return [...byStem.values()]
    .filter((e) => e.docs >= minDocs)
    .map((e) => ({ intent: form(e.forms), count: e.docs, total: e.total }))
    .sort((a, b) => b.count - a.count || b.total - a.total || a.intent.localeCompare(b.intent))
    .slice(0, MAX_TOPICS)
    .map(({ intent, count }) => ({ intent, count }));
}

const NAME_WORD = "[A-Z][\\w&-]*";
const EXPLICIT_PROJECT = [
  new RegExp(`\\b[Pp]roject\\s+((?:${NAME_WORD})(?:\\s+${NAME_WORD}){0,3})`, "g"),
  new RegExp(`\\b[Tt]he\\s+((?:${NAME_WORD})(?:\\s+${NAME_WORD}){0,3})\\s+project\\b`, "g"),
  // Lower-case suffixes only: in "working on the Atlas Migration" the capitalised word is the name.
  /\b[Ww]orking on (?:the |a |our |my )?([\w&-]+(?:\s+[\w&-]+){0,3}?)(?=\s+(?:project|migration|rollout|launch)\b|[.,;!?]|$)/g,
];
const CAPITALISED_NAME = new RegExp(`\\b(${NAME_WORD}(?:\\s+${NAME_WORD}){1,3})\\b`, "g");

/** Words that frame a project name without being part of it ("the project Orion" → "Orion"). */
const FRAME = new Set(["project", "projects", "initiative"]);

function cleanName(name: string): string | undefined {
  const parts = name.trim().split(/\s+/);
  const framing = (w: string) => STOP_WORDS.has(w.toLowerCase()) || FRAME.has(w.toLowerCase());
  while (parts.length > 0 && framing(parts[0]!)) parts.shift();
  while (parts.length > 0 && STOP_WORDS.has(parts.at(-1)!.toLowerCase())) parts.pop();
  const cleaned = parts.join(" ");
  return cleaned.length >= 2 && cleaned.length <= 60 ? cleaned : undefined;
}

function projects(messages: string[]): string[] {
  const found = new Map<string, { name: string; explicit: boolean; docs: number; newest: number }>();
  const note = (raw: string, explicit: boolean, index: number) => {
    const name = cleanName(raw);
    if (!name) return;
    const key = name.toLowerCase();
    const entry = found.get(key) ?? { name, explicit, docs: 0, newest: index };
    entry.explicit ||= explicit;
    entry.docs++;
    entry.newest = Math.min(entry.newest, index);
    found.set(key, entry);
  };
  messages.forEach((text, index) => {
    const names = new Set<string>();
    for (const pattern of EXPLICIT_PROJECT) for (const m of text.matchAll(pattern)) names.add(`!${m[1]}`);
    for (const m of text.matchAll(CAPITALISED_NAME)) {
      // A capitalised run that only starts a sentence ("Can You …") is filtered by the stop words.
      const inner = m[1]!
        .split(/\s+/)
        .filter((w) => !STOP_WORDS.has(w.toLowerCase()) && !FILLER.has(w.toLowerCase()));
      if (inner.length >= 2) names.add(m[1]!);
    }
    for (const n of names) note(n.replace(/^!/, ""), n.startsWith("!"), index);
  });
  return [...found.values()]
    .filter((e) => e.explicit || e.docs >= 2)
    .sort((a, b) => b.docs - a.docs || a.newest - b.newest || a.name.localeCompare(b.name))
    .slice(0, MAX_PROJECTS)
    .map((e) => e.name);
}

const SHORT = /\b(keep it (short|brief)|short answers?|be brief|briefly|concise|tl;?dr|in one sentence)\b/i;
const DETAILED = /\b(in (more )?detail|detailed|step[- ]by[- ]step|elaborate|thorough(ly)?|long answers?)\b/i;
const BULLETS = /\b(bullet(ed)? (points|list)|as a list|in a list)\b/i;
const TABLE = /\b(as a table|in a table|tabular)\b/i;
const STATEMENT =
  /\b(I(?:'d| would)? prefer|I like it when|I'd like you to|please always|always answer)\b[^.!?\n]{3,120}/i;
const ANSWER_LANGUAGE = new RegExp(
  `\\b(?:answer|reply|respond|write|speak|talk)(?: to me)? in (${LANGUAGES.join("|")})\\b|\\bin (${LANGUAGES.join("|")}),? please\\b`,
  "i",
);

function writtenLanguage(messages: string[]): string | undefined {
  const votes = new Map<string, number>();
  for (const text of messages) {
    const list = words(text);
    if (list.length < 4) continue;
    let best: [string, number] = ["", 0];
    for (const [language, markers] of Object.entries(LANGUAGE_MARKERS)) {
      const hits = list.filter((w) => markers.has(w)).length;
      if (hits > best[1]) best = [language, hits];
    }
    if (best[1] >= 2) votes.set(best[0], (votes.get(best[0]) ?? 0) + 1);
  }
  const [top] = [...votes].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return top && top[0] !== "English" && top[1] * 2 > messages.length ? top[0] : undefined;
}

const titleCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();

/** Messages are newest first, so the first match of each kind is the user's latest word on it. */
function preferences(messages: string[]): ProfilePreferences {
  const prefs: ProfilePreferences = {};
  const statements: string[] = [];
  for (const text of messages) {
    const language = ANSWER_LANGUAGE.exec(text);
    if (language && !prefs.language) prefs.language = titleCase(language[1] ?? language[2]!);
    if (!prefs.answerLength && SHORT.test(text)) prefs.answerLength = "short";
    if (!prefs.answerLength && DETAILED.test(text)) prefs.answerLength = "detailed";
    if (!prefs.format && BULLETS.test(text)) prefs.format = "bullet points";
    if (!prefs.format && TABLE.test(text)) prefs.format = "tables";
    const statement = STATEMENT.exec(text)?.[0].trim();
    if (statement && statements.length < MAX_STATEMENTS && !statements.includes(statement)) {
      statements.push(statement);
    }
  }
  prefs.language ??= writtenLanguage(messages);
  if (!prefs.language) delete prefs.language;
  if (statements.length > 0) prefs.statements = statements;
  return prefs;
}

function list(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** Builds a profile from the user's messages (newest first); see the rules at the top of this file. */
export function heuristicProfile(input: ProfileInput): ExtractedProfile {
  const texts = input.messages.map((m) => m.slice(0, 4000));
  const frequentIntents = topics(texts);
  const currentProjects = projects(texts);
  const parts: string[] = [];
  const where = input.departmentName ? `Works in the ${input.departmentName} department` : "";
  const about =
    frequentIntents.length > 0
      ? `often asks about ${list(frequentIntents.slice(0, 3).map((t) => t.intent))}`
      : "";
  const first = [where, about].filter(Boolean).join(" and ");
  if (first) parts.push(`${first.charAt(0).toUpperCase()}${first.slice(1)}.`);
  if (currentProjects.length > 0) parts.push(`Involved in ${list(currentProjects.slice(0, 3))}.`);
  return {
    summary: parts.join(" ").slice(0, 300),
    currentProjects,
    preferences: preferences(texts),
    frequentIntents,
  };
}
