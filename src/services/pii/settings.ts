import { AppError } from "../../lib/errors.js";
import type { CustomPattern } from "./detectors/custom.js";
import { patternProblem } from "./detectors/custom.js";
import { NATIONAL_ID_CATALOGUE, type NationalIdKind } from "./detectors/national-id.js";
import { BUILT_IN_PII_KINDS, CUSTOM_KIND_PATTERN } from "./kinds.js";

export const PII_POLICIES = ["off", "mask", "block"] as const;
export type PiiPolicy = (typeof PII_POLICIES)[number];

/** A namespace's own detectors (`namespaces.pii_rules`). */
export interface PiiRules {
  patterns?: CustomPattern[] | undefined;
  dictionaries?: Array<{ kind: string; terms: string[] }> | undefined;
}

/** The organisation settings keys PII masking reads (`organizations.settings`). */
export const ORG_NATIONAL_IDS_SETTING = "piiNationalIds";
export const ORG_POLICY_SETTING = "piiPolicy";

function kindProblem(kind: string): string | undefined {
  if ((BUILT_IN_PII_KINDS as readonly string[]).includes(kind)) return undefined;
  return CUSTOM_KIND_PATTERN.test(kind)
    ? undefined
    : "must be 2-40 capitals, digits or _ and start with a letter";
}

/** Refuses (VALIDATION, naming every problem) rules that would be stored without working. */
export function assertValidRules(rules: PiiRules): void {
  const problems: Array<{ field: string; message: string }> = [];
  (rules.patterns ?? []).forEach((p, i) => {
    const k = kindProblem(p.kind);
    if (k) problems.push({ field: `piiRules.patterns[${i}].kind`, message: k });
    const problem = patternProblem(p.pattern);
    if (problem) problems.push({ field: `piiRules.patterns[${i}].pattern`, message: problem });
  });
  (rules.dictionaries ?? []).forEach((d, i) => {
    const k = kindProblem(d.kind);
    if (k) problems.push({ field: `piiRules.dictionaries[${i}].kind`, message: k });
  });
  if (problems.length > 0) {
    throw new AppError(
      "VALIDATION",
      `piiRules: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`,
      {
        problems,
      },
    );
  }
}

/**
 * The PII settings an organisation keeps in `settings`: `piiNationalIds` (catalogue ids) and
 * `piiPolicy` (for conversations with no namespace). Unknown values are refused, not stored.
 */
export function assertValidOrgSettings(settings: Record<string, unknown>): void {
  const ids = settings[ORG_NATIONAL_IDS_SETTING];
  if (ids !== undefined) {
    const known = Object.keys(NATIONAL_ID_CATALOGUE);
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string" || !known.includes(id))) {
      throw new AppError(
        "VALIDATION",
        `settings.${ORG_NATIONAL_IDS_SETTING} must list ids of ${known.join(", ")}`,
        {
          field: `settings.${ORG_NATIONAL_IDS_SETTING}`,
        },
      );
    }
  }
  const policy = settings[ORG_POLICY_SETTING];
  if (policy !== undefined && !(PII_POLICIES as readonly unknown[]).includes(policy)) {
    throw new AppError(
      "VALIDATION",
      `settings.${ORG_POLICY_SETTING} must be one of ${PII_POLICIES.join(", ")}`,
      {
        field: `settings.${ORG_POLICY_SETTING}`,
      },
    );
  }
}

export function nationalIdsOf(settings: Record<string, unknown>): NationalIdKind[] | undefined {
  const ids = settings[ORG_NATIONAL_IDS_SETTING];
  return Array.isArray(ids) ? (ids as NationalIdKind[]) : undefined;
}

export function orgPolicyOf(settings: Record<string, unknown>): PiiPolicy {
  const policy = settings[ORG_POLICY_SETTING];
  return (PII_POLICIES as readonly unknown[]).includes(policy) ? (policy as PiiPolicy) : "mask";
}
