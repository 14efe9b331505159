import { z } from "zod";

/** What an extractor gets: the user's own messages, newest first, and where they work. */
export interface ProfileInput {
  messages: string[];
  departmentName: string | null;
}

export const profilePreferences = z.object({
  language: z.string().max(40).optional(),
  answerLength: z.enum(["short", "detailed"]).optional(),
  format: z.string().max(40).optional(),
  statements: z.array(z.string().max(160)).max(5).optional(),
});

export type ProfilePreferences = z.infer<typeof profilePreferences>;

/** The extracted part of an employee profile; the same shape from the heuristic and from a model. */
export const extractedProfile = z.object({
  summary: z.string().max(400),
  currentProjects: z.array(z.string().min(1).max(80)).max(8),
  preferences: profilePreferences,
  frequentIntents: z
    .array(z.object({ intent: z.string().min(1).max(60), count: z.number().int().min(0).max(100_000) }))
    .max(10),
});

export type ExtractedProfile = z.infer<typeof extractedProfile>;
