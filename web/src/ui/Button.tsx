import { Button as AriaButton, type ButtonProps } from "react-aria-components";

type Variant = "primary" | "secondary" | "ghost" | "danger";

/** React Aria's button (keyboard, press and focus handling) with the app's looks. */
export function Button({ variant = "secondary", className, ...props }: ButtonProps & { variant?: Variant }) {
  return <AriaButton {...props} className={`btn btn-${variant}${className ? ` ${className}` : ""}`} />;
}
