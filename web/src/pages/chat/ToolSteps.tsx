import { Check, LoaderCircle, TriangleAlert, Wrench } from "lucide-react";

export interface ToolStepView {
  toolCallId: string;
  name: string;
  input: unknown;
  done: boolean;
  error?: string | undefined;
}

const brief = (value: unknown) => {
  const text = typeof value === "string" ? value : JSON.stringify(value ?? {});
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
};

/** The tools the assistant used for an answer, live while it runs. */
export function ToolSteps({ steps }: { steps: ToolStepView[] }) {
  if (steps.length === 0) return null;
  return (
    <ul className="tool-steps" aria-label="Tool steps">
      {steps.map((step) => (
        <li key={step.toolCallId} className="tool-step">
          {step.error ? (
            <TriangleAlert aria-hidden size={14} />
          ) : step.done ? (
            <Check aria-hidden size={14} />
          ) : (
            <LoaderCircle aria-hidden size={14} className="spin" />
          )}
          <Wrench aria-hidden size={14} />
          <span className="tool-name">{step.name}</span>
          <span className="tool-input">{brief(step.input)}</span>
          <span className="visually-hidden">
            {step.error ? `failed: ${step.error}` : step.done ? "done" : "running"}
          </span>
        </li>
      ))}
    </ul>
  );
}

interface StoredPart {
  type?: string;
  toolCallId?: string;
  toolName?: string;
  input?: unknown;
  error?: string;
}

/** Tool steps of a stored reply, from its parts. */
export function stepsOfParts(parts: unknown[]): ToolStepView[] {
  const steps = new Map<string, ToolStepView>();
  for (const part of parts as StoredPart[]) {
    if (part?.type === "tool-call" && part.toolCallId) {
      steps.set(part.toolCallId, {
        toolCallId: part.toolCallId,
        name: part.toolName ?? "tool",
        input: part.input,
        done: false,
      });
    }
    if (part?.type === "tool-result" && part.toolCallId) {
      const step = steps.get(part.toolCallId);
      if (step) Object.assign(step, { done: true, error: part.error });
    }
  }
  return [...steps.values()];
}
