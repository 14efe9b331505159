import { formatPassages } from "../../../providers/llm/passages.js";
import type { TurnStageOf } from "../turn-state.js";

const CITE_INSTRUCTIONS =
  "Answer from the passages below when they are relevant. Cite each passage you use with its " +
  "number in square brackets, e.g. [1], right after the sentence it supports. Never cite a number " +
  "that is not listed. If the passages do not contain the answer, say so plainly.";

const NO_PASSAGES = "No knowledge-base passages were found for this question; do not cite sources.";

/** The system message: namespace prompt, persona, agent prompt, memory, citation rules, passages. */
export const promptStage: TurnStageOf<"loaded"> = {
  name: "prompt",
  needs: "loaded",
  async run(state) {
    const agent = state.agent;
    const sections = [
      agent.namespaceSystemPrompt ?? "",
      agent.persona ?? "",
      agent.prompt,
      state.memory ? `What you know about the person asking:\n${state.memory}` : "",
      state.input.instructions
        ? `Instructions from the calling application:\n${state.input.instructions}`
        : "",
      state.citations.size > 0 ? CITE_INSTRUCTIONS : NO_PASSAGES,
      state.citations.size > 0 ? formatPassages(state.citations.forPrompt()) : "",
    ];
    state.system = sections
      .map((s) => s.trim())
      .filter(Boolean)
      .join("\n\n");
  },
};
