import { useEffect } from "react";
import { useMe } from "../../auth/me";
import { SelectField } from "../../ui/form-fields";
import { useDepartments } from "../knowledge/queries";

export const WHOLE_ORG = "org";

/**
 * Whose assistant it is: one of the person's departments, or (only for a role that reaches every
 * department, as the API requires) the whole organisation. Starts on the person's own department.
 */
export function DepartmentPicker({
  value,
  onChange,
}: {
  value: string | null;
  onChange: (value: string) => void;
}) {
  const me = useMe();
  const departments = useDepartments();
  const choices = [
    ...(me.data?.allDepartments ? [{ id: WHOLE_ORG, label: "Whole organisation" }] : []),
    ...(departments.data?.items ?? []).map((d) => ({ id: d.id, label: d.name })),
  ];
  const fallback = me.data?.departmentId ?? choices[0]?.id ?? null;
  useEffect(() => {
    if (value === null && fallback) onChange(fallback);
  }, [value, fallback, onChange]);
  return <SelectField label="Department" choices={choices} value={value} onChange={onChange} />;
}

/** The departmentId to send: null for the whole organisation. */
export const departmentOf = (value: string | null) => (value === null || value === WHOLE_ORG ? null : value);
