import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { useCan } from "../../auth/me";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { notify, notifyError } from "../../ui/notices";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { useAdminMutation } from "./admin-queries";
import "../../styles/admin.css";

const money = (n: number | null) => (n === null ? "no budget" : `$${n.toFixed(2)}`);
/** "" → null (no budget); otherwise dollars. */
const budgetOf = (text: string) => (text.trim() === "" ? null : Number(text));

/** Organisation settings (org:admin): its name, and this month's budgets with spend. */
export function SettingsPage() {
  const isAdmin = useCan("org:admin");
  const canReadBudgets = useCan("analytics:read");
  return (
    <main className="page" id="main">
      <h1>Organisation settings</h1>
      {isAdmin && <OrgForm />}
      {canReadBudgets && <Budgets />}
      {!isAdmin && !canReadBudgets && (
        <p className="notice notice-info">Your role does not include the organisation's settings.</p>
      )}
    </main>
  );
}

function OrgForm() {
  const org = useQuery({ queryKey: ["org"], queryFn: async () => unwrap(await api.GET("/org")) });
  const [name, setName] = useState<string | null>(null);
  const save = useAdminMutation(
    async (value: string) => unwrap(await api.PATCH("/org", { body: { name: value } })),
    [["org"]],
  );
  const value = name ?? org.data?.name ?? "";
  return (
    <section className="admin-section" aria-labelledby="org-title">
      <h2 id="org-title">Organisation</h2>
      {org.isPending && <Spinner label="Loading the organisation" />}
      <ErrorNotice error={org.error ?? save.error} />
      {org.data && (
        <Form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(value, { onSuccess: (o) => notify(`Saved: the organisation is now ${o.name}.`) });
          }}
        >
          <TextField label="Name" value={value} onChange={setName} isRequired />
          <Button type="submit" variant="primary" isPending={save.isPending}>
            Save
          </Button>
        </Form>
      )}
    </section>
  );
}

function Budgets() {
  const budgets = useQuery({ queryKey: ["budgets"], queryFn: async () => unwrap(await api.GET("/budgets")) });
  const [orgBudget, setOrgBudget] = useState("");
  const setOrg = useAdminMutation(
    async (value: number | null) =>
      unwrap(await api.PUT("/budgets/org", { body: { monthlyBudgetUsd: value } })),
    [["budgets"]],
  );
  const setDepartment = useAdminMutation(
    async ({ id, value }: { id: string; value: number | null }) =>
      unwrap(
        await api.PUT("/departments/{id}/budget", {
          params: { path: { id } },
          body: { monthlyBudgetUsd: value },
        }),
      ),
    [["budgets"]],
  );
  const b = budgets.data;
  return (
    <section className="admin-section" aria-labelledby="budgets-title">
      <h2 id="budgets-title">Budgets{b ? ` for ${b.month}` : ""}</h2>
      {budgets.isPending && <Spinner label="Loading budgets" />}
      <ErrorNotice error={budgets.error} />
      {b && (
        <>
          <p>
            Organisation: {money(b.organization.budgetUsd)} · spent ${b.organization.spentUsd.toFixed(2)}
            {b.organization.remainingUsd !== null ? ` · $${b.organization.remainingUsd.toFixed(2)} left` : ""}
          </p>
          <Can permission="org:admin">
            <Form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                setOrg.mutate(budgetOf(orgBudget), {
                  onSuccess: (r) => notify(`Organisation budget: ${money(r.budgetUsd)}.`),
                  onError: notifyError,
                });
              }}
            >
              <TextField
                label="Monthly budget (USD)"
                description="Empty for no budget"
                inputMode="decimal"
                value={orgBudget}
                onChange={setOrgBudget}
                validate={(v) =>
                  v.trim() === "" || Number(v) >= 0 ? null : "A number of dollars, 0 or more"
                }
              />
              <Button type="submit" variant="primary" isPending={setOrg.isPending}>
                Set budget
              </Button>
            </Form>
          </Can>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Department budgets</caption>
              <thead>
                <tr>
                  <th scope="col">Department</th>
                  <th scope="col">Budget</th>
                  <th scope="col">Spent</th>
                  <th scope="col">Left</th>
                  <th scope="col">Change</th>
                </tr>
              </thead>
              <tbody>
                {b.departments
                  .filter((d) => !d.isArchived)
                  .map((d) => (
                    <tr key={d.id}>
                      <th scope="row">{d.name}</th>
                      <td>{money(d.budgetUsd)}</td>
                      <td>${d.spentUsd.toFixed(2)}</td>
                      <td>{d.remainingUsd === null ? "—" : `$${d.remainingUsd.toFixed(2)}`}</td>
                      <td>
                        <DepartmentBudget
                          name={d.name}
                          onSet={(value) =>
                            setDepartment.mutate(
                              { id: d.id, value },
                              {
                                onSuccess: () => notify(`${d.name}: ${money(value)}.`),
                                onError: notifyError,
                              },
                            )
                          }
                        />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function DepartmentBudget({ name, onSet }: { name: string; onSet: (value: number | null) => void }) {
  const [value, setValue] = useState("");
  return (
    <Form
      className="cell-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSet(budgetOf(value));
      }}
    >
      <TextField label={`Budget of ${name} (USD)`} inputMode="decimal" value={value} onChange={setValue} />
      <Button type="submit">Set</Button>
    </Form>
  );
}
