import type { PiiSpan } from "../kinds.js";
import { AMBIGUOUS_NAMES, GIVEN_NAMES } from "./given-names.js";

// A capitalised word: "Anna", "O'Brien", "McDonald", "Smith-Jones", "Ñúñez".
const WORD = /\p{Lu}(?:\p{Ll}|['’]\p{Lu})[\p{L}'’]*(?:-\p{Lu}\p{Ll}+)*/gu;

/** Lower-case words that sit inside surnames: "van der Berg", "de la Cruz", "von Weber". */
const PARTICLES = new Set([
  "van",
  "der",
  "den",
  "de",
  "del",
  "della",
  "la",
  "le",
  "von",
  "zu",
  "da",
  "di",
  "dos",
  "das",
  "du",
  "ten",
  "ter",
  "bin",
  "al",
  "el",
  "y",
  "e",
]);

/** Capitalised words that are not names even after a given name (sentence words, calendar, organisation words). */
const NOT_SURNAME = new Set(
  `the a an and or but if i i'm we you he she it they this that these those there here please thanks thank
  hi hello hey dear yes no ok okay monday tuesday wednesday thursday friday saturday sunday january
  february march april may june july august september october november december today tomorrow team
  department hr it finance sales support office street road avenue inc ltd llc gmbh bv sa plc corp
  company group bank university hospital school project invoice order account customer client manager
  director ceo cfo cto vp from to cc bcc re fw fwd subject regards best cheers sincerely also just
  when where what why how who which will can could would should must might did does do has have had
  is are was were be been am not all any some every each new old our your my his her their its on in
  at by for with about after before over under via per de la el los las le les der die das und oder
  nr no str st ave tel fax en het een und mit für von zu bei del por para con sin que y o se es son est et ou avec pour dans sur`.split(
    /\s+/,
  ),
);

const HONORIFICS = new Set([
  "mr",
  "mrs",
  "ms",
  "miss",
  "mx",
  "dr",
  "prof",
  "sir",
  "madam",
  "herr",
  "frau",
  "sr",
  "sra",
  "srta",
  "señor",
  "señora",
  "don",
  "doña",
  "dona",
  "mme",
  "mlle",
  "monsieur",
  "madame",
  "dhr",
  "mevr",
  "mevrouw",
  "meneer",
  "sig",
  "signor",
  "signora",
  "dott",
  "ing",
]);
const LAST_WORD = /(?:^|[^\p{L}])(\p{L}+)(\.?)\s+$/u;

/** Whether the text ends with an honorific ("Mr. ", "Frau ", "M. "): written with a capital, as titles are. */
function endsWithHonorific(prefix: string): boolean {
  const m = LAST_WORD.exec(prefix);
  if (!m) return false;
  const word = m[1]!;
  if (word === "M") return m[2] === ".";
  return /^\p{Lu}/u.test(word) && HONORIFICS.has(word.toLowerCase());
}

const TRIGGER =
  /(?:my name is|my name's|name:|i am|i'm|this is|me llamo|mi nombre es|soy|je m'appelle|je suis|mon nom est|ich heiße|ich heisse|mein name ist|ich bin|mijn naam is|ik ben|ik heet|mi chiamo|il mio nome è|sono|chamo-me|meu nome é|o meu nome é|ask|contact|cc|forward to|speak to|talk to|spoke with|spoke to|call|email|e-mail|colleague|manager|employee|customer|patient|applicant|candidate|tenant|manager is|boss is|mi jefe es|mi jefa es|jefe|jefa|gestor é o|gestora é a|chef ist|chefin ist|mon chef est|ma cheffe est|mijn manager is|il mio capo è|la mia responsabile è|cover for|on behalf of|from:|to:|cc:|bcc:|attn:|attention:|add|invite|welcome|thank|thanks to|dear|hi|hello|hola|bonjour|hallo|ciao|olá)\s+$/iu;

/** Words after which a capitalised word is taken for a name even outside the lexicon (strong cues). */
const STRONG_TRIGGER =
  /(?:my name is|my name's|name:|me llamo|mi nombre es|je m'appelle|mon nom est|ich heiße|ich heisse|mein name ist|mijn naam is|ik heet|mi chiamo|il mio nome è|chamo-me|meu nome é|o meu nome é)\s+$/iu;

const SIGN_OFF =
  /(?:regards|best regards|kind regards|best|thanks|thank you|cheers|sincerely|saludos|un saludo|atentamente|cordialement|bien à vous|merci|grüße|gruß|viele grüße|mit freundlichen grüßen|groeten|met vriendelijke groet|saluti|cordiali saluti|cumprimentos|obrigad[oa])\s*(?:,\s*\n?|!?\s*\n|\s-\s|\s?—\s*)\s*(?:[—–-]\s*)?$/iu;

interface Token {
  text: string;
  start: number;
  end: number;
}

function tokensOf(text: string): Token[] {
  return [...text.matchAll(WORD)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

/** Whether the word is written like a name (not all capitals: "NASA", "HR"). */
function nameShaped(word: string): boolean {
  return word !== word.toUpperCase();
}

/**
 * From a first name at `tokens[i]`, the surname words after it: capitalised words separated by one
 * space, with particles ("van der", "de la") between them. Returns the index of the last word.
 */
function extend(text: string, tokens: Token[], i: number): number {
  let last = i;
  for (let j = i + 1; j < tokens.length && j <= i + 3; j++) {
    const gap = text.slice(tokens[last]!.end, tokens[j]!.start);
    const words = gap.trim().split(/\s+/).filter(Boolean);
    const gapOk =
      /^\s$/.test(gap) ||
      (/^\s[\p{Ll}\s]+\s$/u.test(gap) && words.every((w) => PARTICLES.has(w)) && gap.length < 12);
    if (!gapOk) break;
    const lower = tokens[j]!.text.toLowerCase();
    if (NOT_SURNAME.has(lower) || !nameShaped(tokens[j]!.text)) break;
    last = j;
  }
  return last;
}

/** Names written with an initial: "J. Smith". */
const INITIAL_NAME = /(?<![\p{L}.])\p{Lu}\.\s?(?:\p{Lu}\.\s?)?\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?/gu;

/**
 * Person names without a directory: given names from a lexicon (with the surnames that follow),
 * and capitalised words after an honorific ("Mr", "Frau", "Sra."), a self-introduction ("my name
 * is", "me llamo", "ich heiße") or a sign-off ("Regards,\nAnna").
 */
export function detectPersonNames(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const tokens = tokensOf(text);
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    const lower = token.text.toLowerCase();
    const prefix = text.slice(Math.max(0, token.start - 40), token.start);
    const honorific = endsWithHonorific(prefix);
    const strong = STRONG_TRIGGER.test(prefix) || SIGN_OFF.test(prefix);
    const known = GIVEN_NAMES.has(lower) && nameShaped(token.text);
    if (!known && !honorific && !strong && !TRIGGER.test(prefix)) {
      i++;
      continue;
    }
    if (!known && NOT_SURNAME.has(lower)) {
      i++;
      continue;
    }
    const last = extend(text, tokens, i);
    const hasSurname = last > i;
    const cued = TRIGGER.test(prefix);
    // Outside the lexicon a name needs a strong cue, an honorific, or a cue and a surname.
    const accepted = known
      ? hasSurname || honorific || strong || cued || !AMBIGUOUS_NAMES.has(lower)
      : honorific || strong || (cued && hasSurname);
    if (accepted) {
      spans.push({
        kind: "PERSON",
        start: token.start,
        end: tokens[last]!.end,
        source: honorific ? "honorific" : strong ? "context" : "lexicon",
      });
      i = last + 1;
    } else i++;
  }
  for (const m of text.matchAll(INITIAL_NAME)) {
    const prefix = text.slice(Math.max(0, m.index - 40), m.index);
    if (!endsWithHonorific(prefix) && !TRIGGER.test(prefix) && !SIGN_OFF.test(prefix)) continue;
    spans.push({ kind: "PERSON", start: m.index, end: m.index + m[0].length, source: "initial" });
  }
  return spans;
}
