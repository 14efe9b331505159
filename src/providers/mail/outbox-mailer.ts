import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Mailer, MailMessage } from "./mailer.js";

export interface OutboxEntry extends MailMessage {
  from: string;
  sentAt: string;
}

const KEEP_IN_MEMORY = 100;

export function outboxPath(dataDir: string): string {
  return join(dataDir, "outbox.jsonl");
}

/**
 * Development mailer used when SMTP_URL is unset: every message is appended as one JSON line to
 * `<dataDir>/outbox.jsonl` (read it with `atrium mail outbox`), and the last 100 stay in memory.
 * Nothing leaves the machine, so reset links and invitations work offline.
 */
export class OutboxMailer implements Mailer {
  readonly kind = "outbox";
  private readonly recent: OutboxEntry[] = [];

  constructor(
    private readonly dataDir: string,
    private readonly from: string,
  ) {}

  get file(): string {
    return outboxPath(this.dataDir);
  }

  async send(message: MailMessage): Promise<void> {
    const entry: OutboxEntry = { ...message, from: this.from, sentAt: new Date().toISOString() };
    // The folder is created on first use so a process that never mails never touches the disk.
    await mkdir(this.dataDir, { recursive: true });
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, { encoding: "utf8", mode: 0o600 });
    this.recent.push(entry);
    if (this.recent.length > KEEP_IN_MEMORY) this.recent.splice(0, this.recent.length - KEEP_IN_MEMORY);
  }

  /** The most recent messages sent by this process, oldest first. */
  messages(): readonly OutboxEntry[] {
    return this.recent;
  }
}

/** The last `last` messages of an outbox file, oldest first; lines that are not JSON are skipped. */
export async function readOutbox(dataDir: string, last = 20): Promise<OutboxEntry[]> {
  const file = outboxPath(dataDir);
  if (!existsSync(file)) return [];
  const entries: OutboxEntry[] = [];
  for (const line of (await readFile(file, "utf8")).split("\n")) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as OutboxEntry);
    } catch {
      // A line cut short by a crash mid-write: skip it rather than hide every other message.
    }
  }
  return entries.slice(-last);
}
