import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Cell, Column, Form, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { SelectField } from "../../ui/form-fields";
import { notify, notifyError } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { assistantKeys } from "./queries";

type Matrix = ResponseOf<"/namespaces/{id}/trust", "get">;
type IntentTrust = Matrix["intents"][number];

const ROUTE_LABEL: Record<IntentTrust["route"], string> = {
  auto: "Trust decides",
  hold: "Always held",
  handoff: "Handed to a person",
  assistant: "Another assistant",
};

const percent = (rate: number) => `${Math.round(rate * 1000) / 10} %`;

/**
 * The namespace's trust matrix (issue 12): per intent, approvals earned toward its threshold, whether
 * it answers on its own, and the share of autonomous replies sampled for review. A manager changes
 * the threshold and sampling, and promotes or demotes an intent by hand (both audited by the API).
 */
export function TrustPanel({ namespaceId }: { namespaceId: string }) {
  const client = useQueryClient();
  const matrix = useQuery({
    queryKey: assistantKeys.trust(namespaceId),
    queryFn: async () =>
      unwrap(await api.GET("/namespaces/{id}/trust", { params: { path: { id: namespaceId } } })),
  });
  const saved = (next: Matrix) => client.setQueryData(assistantKeys.trust(namespaceId), next);
  const toggle = useMutation({
    mutationFn: async (row: IntentTrust) => {
      const params = { path: { id: namespaceId, intent: row.intent } };
      return unwrap(
        row.isAutonomous
          ? await api.POST("/namespaces/{id}/trust/{intent}/demote", { params })
          : await api.POST("/namespaces/{id}/trust/{intent}/promote", { params }),
      );
    },
    onSuccess: saved,
    onError: notifyError,
  });
  const intents = matrix.data?.intents ?? [];
  return (
    <section aria-labelledby="trust-title">
      <h2 id="trust-title">Trust per intent</h2>
      <p className="muted">
        Each reply approved without change counts toward the threshold; at the threshold the intent answers
        without review, and a share of its replies is still sampled for review.
      </p>
      {matrix.isPending && <Spinner label="Loading the trust matrix" />}
      <ErrorNotice error={matrix.error} />
      {matrix.data && intents.length === 0 && <p className="muted">No intents in this namespace yet.</p>}
      {intents.length > 0 && (
        <>
          <div className="table-wrap">
            <Table aria-label="Trust per intent" className="table">
              <TableHeader>
                <Column isRowHeader>Intent</Column>
                <Column>Route</Column>
                <Column>Approved / threshold</Column>
                <Column>Sampled</Column>
                <Column>Autonomous</Column>
                <Column>
                  <span className="visually-hidden">Actions</span>
                </Column>
              </TableHeader>
              <TableBody items={intents.map((row) => ({ ...row, id: row.intent }))}>
                {(row) => (
                  <Row id={row.intent}>
                    <Cell>{row.intent}</Cell>
                    <Cell>{ROUTE_LABEL[row.route]}</Cell>
                    <Cell>
                      {row.successfulCount} / {row.threshold}
                    </Cell>
                    <Cell>{percent(row.samplingRate)}</Cell>
                    <Cell>{row.isAutonomous ? "Yes" : "No"}</Cell>
                    <Cell>
                      <Button
                        variant="secondary"
                        aria-label={`${row.isAutonomous ? "Demote" : "Promote"} ${row.intent}`}
                        isPending={toggle.isPending && toggle.variables.intent === row.intent}
                        onPress={() => toggle.mutate(row)}
                      >
                        {row.isAutonomous ? "Demote" : "Promote"}
                      </Button>
                    </Cell>
                  </Row>
                )}
              </TableBody>
            </Table>
          </div>
          <ChangeIntent namespaceId={namespaceId} intents={intents} onSaved={saved} />
        </>
      )}
    </section>
  );
}

function ChangeIntent({
  namespaceId,
  intents,
  onSaved,
}: {
  namespaceId: string;
  intents: IntentTrust[];
  onSaved: (next: Matrix) => void;
}) {
  const [intent, setIntent] = useState<string | null>(null);
  const [threshold, setThreshold] = useState("");
  const [sampling, setSampling] = useState("");
  const pick = (name: string) => {
    const row = intents.find((i) => i.intent === name);
    setIntent(name);
    setThreshold(row ? String(row.threshold) : "");
    setSampling(row ? String(Math.round(row.samplingRate * 1000) / 10) : "");
  };
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/namespaces/{id}/trust/{intent}", {
          params: { path: { id: namespaceId, intent: intent ?? "" } },
          body: { threshold: Number(threshold), samplingRate: Number(sampling) / 100 },
        }),
      ),
    onSuccess: (next) => {
      onSaved(next);
      notify(`${intent}: threshold and sampling saved.`);
    },
  });
  return (
    <Form
      className="stack"
      aria-label="Change an intent's trust"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <SelectField
        label="Intent to change"
        choices={intents.map((i) => ({ id: i.intent, label: i.intent }))}
        value={intent}
        onChange={pick}
        isRequired
      />
      {intent && (
        <>
          <TextField
            label="Approvals needed to answer on its own"
            inputMode="numeric"
            value={threshold}
            onChange={setThreshold}
            validate={(v) => (/^\d+$/.test(v) && Number(v) >= 1 ? null : "A whole number, at least 1")}
            isRequired
          />
          <TextField
            label="Autonomous replies sampled for review (%)"
            inputMode="decimal"
            value={sampling}
            onChange={setSampling}
            validate={(v) =>
              v.trim() !== "" && Number(v) >= 0 && Number(v) <= 100 ? null : "Between 0 and 100"
            }
            isRequired
          />
          <ErrorNotice error={save.error} />
          <Button type="submit" variant="primary" isPending={save.isPending}>
            Save intent
          </Button>
        </>
      )}
    </Form>
  );
}
