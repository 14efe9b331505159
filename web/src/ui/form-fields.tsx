import type { Key } from "react-aria-components";
import {
  Button as AriaButton,
  TextField as AriaTextField,
  FieldError,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Radio,
  RadioGroup,
  Select,
  SelectValue,
  Text,
  TextArea,
  type TextFieldProps,
} from "react-aria-components";

/** A labelled multi-line text input. */
export function TextAreaField({
  label,
  description,
  rows = 5,
  ...props
}: TextFieldProps & { label: string; description?: string; rows?: number }) {
  return (
    <AriaTextField {...props} className="field">
      <Label>{label}</Label>
      <TextArea rows={rows} />
      {description && <Text slot="description">{description}</Text>}
      <FieldError />
    </AriaTextField>
  );
}

export interface Choice {
  id: string;
  label: string;
}

/** A labelled single choice from a list (a React Aria Select). */
export function SelectField({
  label,
  choices,
  value,
  onChange,
  isRequired,
  placeholder,
}: {
  label: string;
  choices: Choice[];
  value: string | null;
  onChange: (value: string) => void;
  isRequired?: boolean;
  placeholder?: string;
}) {
  return (
    <Select
      className="field"
      selectedKey={value}
      isRequired={isRequired}
      {...(placeholder ? { placeholder } : {})}
      onSelectionChange={(key: Key | null) => key !== null && onChange(String(key))}
    >
      <Label>{label}</Label>
      <AriaButton className="select-button">
        <SelectValue />
        <span aria-hidden>▾</span>
      </AriaButton>
      <Popover className="popover">
        <ListBox className="listbox" items={choices}>
          {(choice) => (
            <ListBoxItem id={choice.id} className="listbox-item" textValue={choice.label}>
              {choice.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}

/** A few choices shown at once (radio buttons in a row). */
export function ChoiceGroup({
  label,
  choices,
  value,
  onChange,
}: {
  label: string;
  choices: Choice[];
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <RadioGroup className="choice-group" value={value} onChange={onChange} orientation="horizontal">
      <Label>{label}</Label>
      <div className="choice-options">
        {choices.map((choice) => (
          <Radio key={choice.id} value={choice.id} className="choice">
            {choice.label}
          </Radio>
        ))}
      </div>
    </RadioGroup>
  );
}
