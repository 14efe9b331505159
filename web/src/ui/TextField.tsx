import {
  TextField as AriaTextField,
  FieldError,
  Input,
  Label,
  Text,
  type TextFieldProps,
} from "react-aria-components";

/** A labelled input with its description and validation message, wired for screen readers. */
export function TextField({
  label,
  description,
  ...props
}: TextFieldProps & { label: string; description?: string }) {
  return (
    <AriaTextField {...props} className="field">
      <Label>{label}</Label>
      <Input />
      {description && <Text slot="description">{description}</Text>}
      <FieldError />
    </AriaTextField>
  );
}
