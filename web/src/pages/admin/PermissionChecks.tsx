import { Checkbox, CheckboxGroup, Label } from "react-aria-components";
import { usePermissionCatalogue } from "./admin-queries";

/** The permission catalogue as checkboxes, each with what it allows. */
export function PermissionChecks({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string[];
  onChange: (value: string[]) => void;
}) {
  const catalogue = usePermissionCatalogue();
  return (
    <CheckboxGroup className="field checks" value={value} onChange={onChange}>
      <Label>{label}</Label>
      {(catalogue.data ?? []).map((p) => (
        <Checkbox key={p.key} value={p.key} className="check">
          <span className="check-box" aria-hidden />
          <span>
            <code>{p.key}</code> <span className="muted">{p.description}</span>
          </span>
        </Checkbox>
      ))}
    </CheckboxGroup>
  );
}
