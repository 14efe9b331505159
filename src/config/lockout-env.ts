import { z } from "zod";

/**
 * Per-account sign-in throttling (AUTH_LOCKOUT_*), parsed with the rest in env.ts: after `threshold`
 * failed password checks within `windowMs` an account is locked for `lockMs`, doubling with each
 * further lock up to `maxLockMs`; a success, a password reset or an administrator's unlock clears it.
 */
export interface LockoutConfig {
  threshold: number;
  windowMs: number;
  lockMs: number;
  maxLockMs: number;
}

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const int = (fallback: number, min: number, max: number) =>
  z.preprocess(blank, z.coerce.number().int().min(min).max(max).default(fallback));

export const lockoutEnvShape = {
  /** Consecutive failed password checks (sign-in, password change) that lock an account. */
  AUTH_LOCKOUT_THRESHOLD: int(5, 1, 1_000),
  /** How long failures are remembered when no success clears them. */
  AUTH_LOCKOUT_WINDOW_SECONDS: int(900, 1, 86_400),
  /** The first lock's length; each further lock doubles it. */
  AUTH_LOCKOUT_SECONDS: int(900, 1, 86_400),
  /** The longest lock. */
  AUTH_LOCKOUT_MAX_SECONDS: int(86_400, 1, 2_592_000),
};

type LockoutEnv = { [K in keyof typeof lockoutEnvShape]: number };

export function lockoutConfig(env: LockoutEnv): LockoutConfig {
  return {
    threshold: env.AUTH_LOCKOUT_THRESHOLD,
    windowMs: env.AUTH_LOCKOUT_WINDOW_SECONDS * 1000,
    lockMs: env.AUTH_LOCKOUT_SECONDS * 1000,
    maxLockMs: Math.max(env.AUTH_LOCKOUT_MAX_SECONDS, env.AUTH_LOCKOUT_SECONDS) * 1000,
  };
}
