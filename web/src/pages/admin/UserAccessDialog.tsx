import { useState } from "react";
import { Checkbox, CheckboxGroup, Form, Label } from "react-aria-components";
import { api } from "../../api/client";
import { unwrap } from "../../api/errors";
import { Button } from "../../ui/Button";
import { ErrorNotice } from "../../ui/ErrorNotice";
import { SelectField } from "../../ui/form-fields";
import { notify } from "../../ui/notices";
import { AdminDialog } from "./AdminDialog";
import { type User, useAdminMutation, useDepartments, useRoles } from "./admin-queries";
import { PermissionChecks } from "./PermissionChecks";

const USERS = ["users", "list"] as const;

/**
 * A person's access: their role, per-user permission overrides (extra and revoked) and department
 * overrides (PATCH /users/{id}); moving them to another department (POST /users/{id}/transfer).
 */
export function UserAccessDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const roles = useRoles();
  const departments = useDepartments();
  const [roleId, setRoleId] = useState<string | null>(user.roleId);
  const [extra, setExtra] = useState<string[]>(user.extraPermissions);
  const [revoked, setRevoked] = useState<string[]>(user.revokedPermissions);
  const [extraDepartments, setExtraDepartments] = useState<string[]>(user.extraDepartmentIds);
  const [revokedDepartments, setRevokedDepartments] = useState<string[]>(user.revokedDepartmentIds);
  const [target, setTarget] = useState<string | null>(user.departmentId);
  const who = user.name ?? user.email;
  const save = useAdminMutation(
    async () =>
      unwrap(
        await api.PATCH("/users/{id}", {
          params: { path: { id: user.id } },
          body: {
            ...(roleId ? { roleId } : {}),
            extraPermissions: extra as never,
            revokedPermissions: revoked as never,
            extraDepartmentIds: extraDepartments,
            revokedDepartmentIds: revokedDepartments,
          },
        }),
      ),
    [USERS],
  );
  const transfer = useAdminMutation(
    async (departmentId: string) =>
      unwrap(
        await api.POST("/users/{id}/transfer", { params: { path: { id: user.id } }, body: { departmentId } }),
      ),
    [USERS],
  );
  const others = (departments.data ?? []).filter((d) => d.id !== user.departmentId);
  return (
    <AdminDialog title={`Access of ${who}`} isOpen onClose={onClose}>
      <Form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(undefined, {
            onSuccess: () => {
              notify(`Saved the access of ${who}.`);
              onClose();
            },
          });
        }}
      >
        <SelectField
          label="Role"
          choices={(roles.data ?? []).map((r) => ({ id: r.id, label: r.name }))}
          value={roleId}
          onChange={setRoleId}
        />
        <PermissionChecks label="Extra permissions (on top of the role)" value={extra} onChange={setExtra} />
        <PermissionChecks
          label="Revoked permissions (taken from the role)"
          value={revoked}
          onChange={setRevoked}
        />
        <DepartmentChecks
          label="Extra departments"
          items={others}
          value={extraDepartments}
          onChange={setExtraDepartments}
        />
        <DepartmentChecks
          label="Revoked departments"
          items={departments.data ?? []}
          value={revokedDepartments}
          onChange={setRevokedDepartments}
        />
        <ErrorNotice error={save.error} />
        <Button type="submit" variant="primary" isPending={save.isPending}>
          Save access
        </Button>
      </Form>
      <section className="stack admin-section" aria-labelledby="transfer-title">
        <h3 id="transfer-title">Transfer</h3>
        <SelectField
          label="Move to department"
          choices={(departments.data ?? []).map((d) => ({ id: d.id, label: d.name }))}
          value={target}
          onChange={setTarget}
        />
        <ErrorNotice error={transfer.error} />
        <Button
          isPending={transfer.isPending}
          isDisabled={!target || target === user.departmentId}
          onPress={() =>
            target &&
            transfer.mutate(target, {
              onSuccess: () => {
                notify(
                  `${who} moved to ${departments.data?.find((d) => d.id === target)?.name ?? "the department"}.`,
                );
                onClose();
              },
            })
          }
        >
          Transfer
        </Button>
      </section>
    </AdminDialog>
  );
}

function DepartmentChecks({
  label,
  items,
  value,
  onChange,
}: {
  label: string;
  items: { id: string; name: string }[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  return (
    <CheckboxGroup className="field checks" value={value} onChange={onChange}>
      <Label>{label}</Label>
      {items.map((d) => (
        <Checkbox key={d.id} value={d.id} className="check">
          <span className="check-box" aria-hidden />
          {d.name}
        </Checkbox>
      ))}
    </CheckboxGroup>
  );
}
