import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import { Cell, Column, Form, Row, Table, TableBody, TableHeader } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Can } from "../../auth/Can";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { Spinner } from "../../ui/Spinner";
import { TextField } from "../../ui/TextField";
import { StatusBadge } from "../knowledge/StatusBadge";
import { agentState, versionLabel } from "./agent-state";
import { DepartmentPicker, departmentOf } from "./DepartmentPicker";
import { assistantKeys, useAgents } from "./queries";

export function AgentsPanel() {
  const agents = useAgents();
  return (
    <section aria-labelledby="agents-title">
      <h2 id="agents-title">Agents</h2>
      {agents.isPending && <Spinner label="Loading agents" />}
      <ErrorNotice error={agents.error} />
      {agents.data && (
        <div className="table-wrap">
          <Table aria-label="Agents" className="table">
            <TableHeader>
              <Column isRowHeader>Name</Column>
              <Column>Version</Column>
              <Column>State</Column>
              <Column>Model</Column>
            </TableHeader>
            <TableBody items={agents.data.items}>
              {(agent) => (
                <Row id={agent.id}>
                  <Cell>
                    <Link to="/assistants/agents/$agentId" params={{ agentId: agent.id }}>
                      {agent.name}
                    </Link>
                  </Cell>
                  <Cell>{versionLabel(agent)}</Cell>
                  <Cell>
                    <StatusBadge status={agentState(agent)} />
                  </Cell>
                  <Cell>{agent.primaryModel ?? "default"}</Cell>
                </Row>
              )}
            </TableBody>
          </Table>
        </div>
      )}
      <Can permission="agents:manage">
        <NewAgent />
      </Can>
    </section>
  );
}

function NewAgent() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [department, setDepartment] = useState<string | null>(null);
  const [description, setDescription] = useState("");
  const create = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/agents", {
          body: { name, description: description || null, departmentId: departmentOf(department) },
        }),
      ),
    onSuccess: async (agent) => {
      await queryClient.invalidateQueries({ queryKey: assistantKeys.agents });
      await navigate({ to: "/assistants/agents/$agentId", params: { agentId: agent.id } });
    },
  });
  return (
    <section className="panel" aria-labelledby="new-agent-title">
      <h2 id="new-agent-title">New agent</h2>
      <Form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate();
        }}
      >
        <TextField label="Agent name" value={name} onChange={setName} isRequired maxLength={200} />
        <DepartmentPicker value={department} onChange={setDepartment} />
        <TextField label="Description" value={description} onChange={setDescription} maxLength={2000} />
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create agent
        </Button>
      </Form>
      <ErrorNotice error={create.error} />
    </section>
  );
}
