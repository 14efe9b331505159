import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { TextAreaField } from "../../ui/form-fields";
import { TextField } from "../../ui/TextField";
import type { ToolView } from "./queries";

type TestResult = ResponseOf<"/tools/{id}/test", "post">;

/** The arguments as the API wants them: a JSON object. */
function parseArguments(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() === "" ? "{}" : text);
  } catch {
    throw new Error("The arguments are not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error('The arguments must be a JSON object, such as {"id": "42"}');
  return value as Record<string, unknown>;
}

/**
 * Calls a tool once with arguments typed here, under the rules of a chat turn (the server's network
 * policy, allowedHosts, time limits); shows status, duration and the start of the output, secrets
 * scrubbed by the server.
 */
export function ToolTestCall({ tool }: { tool: ToolView }) {
  const [open, setOpen] = useState(false);
  const [args, setArgs] = useState("{}");
  const [subTool, setSubTool] = useState("");
  const run = useMutation({
    mutationFn: async (): Promise<TestResult> =>
      unwrap(
        await api.POST("/tools/{id}/test", {
          params: { path: { id: tool.id } },
          body: { input: parseArguments(args), ...(tool.kind === "mcp" ? { tool: subTool } : {}) },
        }),
      ),
  });
  if (!open)
    return (
      <Button onPress={() => setOpen(true)} isDisabled={!tool.enabled}>
        Test call
      </Button>
    );
  const result = run.data;
  return (
    <Form
      className="stack"
      aria-label={`Test call of ${tool.name}`}
      onSubmit={(event) => {
        event.preventDefault();
        run.mutate();
      }}
    >
      {tool.kind === "mcp" && (
        <TextField
          label={`Tool of ${tool.name} to call`}
          description="The name the MCP server lists it under."
          value={subTool}
          onChange={setSubTool}
          isRequired
        />
      )}
      <TextAreaField
        label={`Arguments for ${tool.name} (JSON)`}
        description="Checked against the tool's input schema, as in a conversation."
        value={args}
        onChange={setArgs}
        rows={3}
      />
      <div className="actions">
        <Button type="submit" variant="primary" isPending={run.isPending}>
          Run test call
        </Button>
        <Button onPress={() => setOpen(false)}>Close</Button>
      </div>
      <ErrorNotice error={run.error} />
      {result && (
        <output className="stack" aria-label={`Test call result of ${tool.name}`}>
          <p className="small">
            {result.ok ? "Succeeded" : `Failed (${result.errorCode ?? "error"})`}
            {result.status !== null && ` · HTTP ${result.status}`} · {result.durationMs} ms
            {result.truncated && " · output cut at 4000 characters"}
          </p>
          <pre className="tool-output">{result.output}</pre>
        </output>
      )}
    </Form>
  );
}
