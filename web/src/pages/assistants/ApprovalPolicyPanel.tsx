import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import type { ResponseOf } from "../../api/types";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { SelectField, TextAreaField } from "../../ui/form-fields";
import { notify } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { useDepartments } from "../knowledge/queries";
import { assistantKeys } from "./queries";

type Policy = ResponseOf<"/namespaces/{id}/approval-policy", "get">;
type OnTimeout = Policy["onTimeout"];

/** Select keys that stand for "no group" (anyone who may decide) and "as the namespace says". */
const ANYONE = "anyone";
const INHERIT = "inherit";

const TIMEOUT_CHOICES: { id: OnTimeout; label: string }[] = [
  { id: "none", label: "Keep waiting" },
  { id: "escalate", label: "Escalate to the next approver" },
  { id: "reject", label: "Reject with the message below" },
];

export function useApprovalPolicy(namespaceId: string) {
  return useQuery({
    queryKey: assistantKeys.approvalPolicy(namespaceId),
    queryFn: async () =>
      unwrap(await api.GET("/namespaces/{id}/approval-policy", { params: { path: { id: namespaceId } } })),
  });
}

export function useApproverGroups() {
  return useQuery({
    queryKey: ["approver-groups"],
    queryFn: async () => unwrap(await api.GET("/approver-groups")).items,
  });
}

/**
 * How a namespace's held replies are reviewed (agents:manage): the due time and what happens when
 * nobody decides by then, the refusal text, and which approver group reviews — for the whole
 * namespace, and per department (a department's group overrides the namespace's).
 */
export function ApprovalPolicyPanel({ namespaceId }: { namespaceId: string }) {
  const client = useQueryClient();
  const policy = useApprovalPolicy(namespaceId);
  const groups = useApproverGroups();
  const departments = useDepartments();
  const [due, setDue] = useState("");
  const [onTimeout, setOnTimeout] = useState<OnTimeout>("none");
  const [rejection, setRejection] = useState("");
  const [group, setGroup] = useState(ANYONE);
  const [perDepartment, setPerDepartment] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!policy.data) return;
    setDue(String(policy.data.dueMinutes));
    setOnTimeout(policy.data.onTimeout);
    setRejection(policy.data.rejectionMessage ?? "");
    setGroup(policy.data.approverGroupId ?? ANYONE);
    setPerDepartment(policy.data.departmentApproverGroups);
  }, [policy.data]);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.PATCH("/namespaces/{id}/approval-policy", {
          params: { path: { id: namespaceId } },
          body: {
            dueMinutes: Number(due),
            onTimeout,
            rejectionMessage: rejection.trim() === "" ? null : rejection.trim(),
            approverGroupId: group === ANYONE ? null : group,
            departmentApproverGroups: perDepartment,
          },
        }),
      ),
    onSuccess: (saved) => {
      client.setQueryData(assistantKeys.approvalPolicy(namespaceId), saved);
      notify("Approval policy saved.");
    },
  });
  const groupChoices = (groups.data ?? []).map((g) => ({ id: g.id, label: g.name }));
  return (
    <section aria-labelledby="policy-title">
      <h2 id="policy-title">Approval policy</h2>
      <p className="muted">
        How replies held for review in this namespace are decided. Without a group, anyone who may decide
        approvals and can see the department reviews them.
      </p>
      {(policy.isPending || groups.isPending) && <Spinner label="Loading the approval policy" />}
      <ErrorNotice error={policy.error ?? groups.error ?? departments.error} />
      {policy.data && groups.data && (
        <Form
          className="stack"
          aria-label="Approval policy"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <TextField
            label="Review due within (minutes)"
            inputMode="numeric"
            value={due}
            onChange={setDue}
            validate={(v) =>
              /^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 129_600
                ? null
                : "Between 1 minute and 90 days (129600 minutes)"
            }
            isRequired
          />
          <SelectField
            label="When nobody decides in time"
            choices={TIMEOUT_CHOICES}
            value={onTimeout}
            onChange={(v) => setOnTimeout(v as OnTimeout)}
          />
          <TextAreaField
            label="Message sent on rejection"
            description="Empty: the standard polite message."
            rows={3}
            value={rejection}
            onChange={setRejection}
          />
          <SelectField
            label="Approver group"
            choices={[{ id: ANYONE, label: "Anyone who may decide approvals" }, ...groupChoices]}
            value={group}
            onChange={setGroup}
          />
          {(departments.data?.items ?? []).length > 0 && (
            <fieldset className="stack">
              <legend>Approver group per department</legend>
              {(departments.data?.items ?? []).map((d) => (
                <SelectField
                  key={d.id}
                  label={`Approver group for ${d.name}`}
                  choices={[{ id: INHERIT, label: "As for the whole namespace" }, ...groupChoices]}
                  value={perDepartment[d.id] ?? INHERIT}
                  onChange={(value) =>
                    setPerDepartment(({ [d.id]: _, ...rest }) =>
                      value === INHERIT ? rest : { ...rest, [d.id]: value },
                    )
                  }
                />
              ))}
            </fieldset>
          )}
          <ErrorNotice error={save.error} />
          <Button type="submit" variant="primary" isPending={save.isPending}>
            Save policy
          </Button>
        </Form>
      )}
    </section>
  );
}
