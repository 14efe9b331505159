import { useState } from "react";
import { Form } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { SelectField } from "../../ui/form-fields";
import { TextField } from "../../ui/TextField";
import { AdminDialog } from "./AdminDialog";
import { useAdminMutation, useDepartments, useRoles } from "./admin-queries";

/** Invite by e-mail into a department with a role; the acceptance link is shown once. */
export function InviteDialog({ isOpen, onClose }: { isOpen: boolean; onClose: () => void }) {
  const departments = useDepartments();
  const roles = useRoles();
  const [email, setEmail] = useState("");
  const [departmentId, setDepartmentId] = useState<string | null>(null);
  const [roleId, setRoleId] = useState<string | null>(null);
  const invite = useAdminMutation(
    async () =>
      unwrap(
        await api.POST("/invitations", {
          body: { email, departmentId: departmentId ?? "", ...(roleId ? { roleId } : {}) },
        }),
      ),
    [["invitations"]],
  );
  const close = () => {
    invite.reset();
    setEmail("");
    onClose();
  };
  return (
    <AdminDialog title="Invite someone" isOpen={isOpen} onClose={close}>
      {invite.data ? (
        <div className="stack">
          <p className="notice notice-info" role="status">
            {invite.data.mailed
              ? `The invitation was e-mailed to ${invite.data.invitation.email}.`
              : `Invitation created for ${invite.data.invitation.email}. Send them this link (shown once):`}
          </p>
          <code className="secret">{invite.data.acceptUrl}</code>
          <Button onPress={close}>Done</Button>
        </div>
      ) : (
        <Form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            invite.mutate();
          }}
        >
          <TextField label="Email" type="email" value={email} onChange={setEmail} isRequired />
          <SelectField
            label="Department"
            choices={(departments.data ?? []).map((d) => ({ id: d.id, label: d.name }))}
            value={departmentId}
            onChange={setDepartmentId}
          />
          <SelectField
            label="Role"
            choices={(roles.data ?? []).map((r) => ({ id: r.id, label: r.name }))}
            value={roleId}
            onChange={setRoleId}
            placeholder="Employee"
          />
          <ErrorNotice error={invite.error} />
          <Button type="submit" variant="primary" isPending={invite.isPending} isDisabled={!departmentId}>
            Send invitation
          </Button>
        </Form>
      )}
    </AdminDialog>
  );
}
