import type { LockoutConfig } from "../../config/lockout-env.js";
import { AppError } from "../../lib/errors.js";
import { hashToken } from "../../lib/secrets.js";
import type { CounterStore } from "../../providers/counters/counter-store.js";

/** One password check in progress: report how it went. */
export interface PasswordAttempt {
  succeeded(): Promise<void>;
  failed(): Promise<void>;
}

function lockedError(remainingMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(remainingMs / 1000));
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return new AppError(
    "LIMIT_EXCEEDED",
    `Too many failed password attempts for this account; try again in ${wait}, or reset the password`,
    { retryAfterSeconds: seconds },
  );
}

/**
 * Per-account throttling of password checks (sign-in, password change, accepting an invitation into
 * an existing account), on top of the per-client rate limits, which multiply with replicas. Counters
 * live in the shared CounterStore (Redis when configured), keyed by a digest of the email — never the
 * email itself — so an address without an account is throttled exactly like one with an account and
 * the answers reveal nothing.
 *
 * Every check takes its place in the count before the password is verified, so a burst of parallel
 * guesses cannot slip past the threshold; a success clears the count, the threshold-th failure locks
 * the account for `lockMs`, doubling with each further lock (up to `maxLockMs`). A locked account
 * refuses even the right password until the lock ends, a password reset or an administrator lifts it.
 */
export function createAccountLockout(store: CounterStore, config: LockoutConfig) {
  const keys = (email: string) => {
    const id = hashToken(`account:${email.trim().toLowerCase()}`);
    return { failures: `auth:failures:${id}`, lock: `auth:lock:${id}`, level: `auth:level:${id}` };
  };
  // How long a lock level is remembered: long enough that a patient guesser keeps doubling.
  const levelTtlMs = config.maxLockMs * 2;

  return {
    /** Starts a password check for this email; LIMIT_EXCEEDED (429) while the account is locked. */
    async begin(email: string): Promise<PasswordAttempt> {
      const key = keys(email);
      const remaining = await store.remainingMs(key.lock);
      if (remaining > 0) throw lockedError(remaining);
      const attempt = await store.increment(key.failures, config.windowMs);
      // Checks already under way used up the allowance; one of them is about to lock the account.
      if (attempt > config.threshold) throw lockedError(config.lockMs);
      return {
        succeeded: () => store.delete(key.failures, key.level),
        async failed() {
          if (attempt < config.threshold) return;
          const level = await store.increment(key.level, levelTtlMs);
          const lockMs = Math.min(config.lockMs * 2 ** (level - 1), config.maxLockMs);
          await store.set(key.lock, level, lockMs);
          await store.delete(key.failures);
        },
      };
    },

    /** Runs `check` as one password check of this email, counting its outcome. */
    async check(email: string, check: () => Promise<boolean>): Promise<boolean> {
      const attempt = await this.begin(email);
      const ok = await check();
      await (ok ? attempt.succeeded() : attempt.failed());
      return ok;
    },

    /** Clears failures and any lock (a password reset, an administrator's unlock). */
    async unlock(email: string): Promise<boolean> {
      const key = keys(email);
      const wasLocked = (await store.remainingMs(key.lock)) > 0;
      await store.delete(key.failures, key.lock, key.level);
      return wasLocked;
    },
  };
}

export type AccountLockout = ReturnType<typeof createAccountLockout>;
