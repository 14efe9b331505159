import type { CitationView, NumberedTurnEvent } from "../../services/chat/turn-events.js";

interface Streams {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

const SNIPPET_CHARS = 160;

/** Dim on a terminal (tool steps are secondary), plain text when piped or redirected. */
function dim(text: string, tty: boolean | undefined): string {
  return tty ? `\u001b[2m${text}\u001b[22m` : text;
}

function brief(value: unknown, max = 120): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (text === undefined) return "";
  const flat = text.replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatSources(citations: readonly CitationView[]): string[] {
  if (citations.length === 0) return [];
  const lines = ["", "Sources"];
  for (const c of citations) {
    const snippet =
      c.snippet.length > SNIPPET_CHARS ? `${c.snippet.slice(0, SNIPPET_CHARS - 1)}…` : c.snippet;
    lines.push(`[${c.label}] ${c.title} — ${snippet}`);
  }
  return lines;
}

/**
 * Prints a turn as it runs: the answer's tokens on stdout as they stream, tool steps dimmed on stderr,
 * then the sources. Remembers the failure (if any) so the command can set its exit code.
 */
export function createAskPrinter(streams: Streams = { out: process.stdout, err: process.stderr }) {
  let streamed = false;
  let failure: { code: string; message: string } | undefined;

  function onEvent(event: NumberedTurnEvent): void {
    switch (event.type) {
      case "token":
        streamed = true;
        streams.out.write(event.text);
        return;
      case "tool-call":
        streams.err.write(`${dim(`→ ${event.name} ${brief(event.input)}`, streams.err.isTTY)}\n`);
        return;
      case "tool-result": {
        const outcome = event.error ? `failed: ${event.error}` : brief(event.output);
        streams.err.write(`${dim(`← ${event.name} ${outcome}`, streams.err.isTTY)}\n`);
        return;
      }
      case "done":
        // The final text is the checked one; print it whole when the model did not stream tokens.
        if (!streamed) streams.out.write(event.text);
        streams.out.write("\n");
        for (const line of formatSources(event.citations)) streams.out.write(`${line}\n`);
        return;
      case "error":
        if (streamed) streams.out.write("\n");
        failure = { code: event.code, message: event.message };
        streams.err.write(`Error: ${event.message} (${event.code})\n`);
        return;
      default:
        return;
    }
  }

  return {
    onEvent,
    get failure() {
      return failure;
    },
  };
}
