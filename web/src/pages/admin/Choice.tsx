import {
  Button as AriaButton,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Select,
  SelectValue,
} from "react-aria-components";

/** A labelled single choice (React Aria Select) over `{ id, name }` items. */
export function Choice({
  label,
  items,
  value,
  onChange,
  placeholder,
}: {
  label: string;
  items: { id: string; name: string }[];
  value: string | null;
  onChange: (id: string) => void;
  placeholder?: string;
}) {
  return (
    <Select
      className="field"
      selectedKey={value}
      onSelectionChange={(key) => onChange(String(key))}
      {...(placeholder ? { placeholder } : {})}
    >
      <Label>{label}</Label>
      <AriaButton className="select-button">
        <SelectValue />
        <span aria-hidden>▾</span>
      </AriaButton>
      <Popover className="popover">
        <ListBox className="listbox" items={items}>
          {(item) => (
            <ListBoxItem id={item.id} className="listbox-item" textValue={item.name}>
              {item.name}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
