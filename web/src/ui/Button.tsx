import { Button as AriaButton, type ButtonProps } from "react-aria-components";

type Variant = "primary" | "secondary" | "ghost" | "danger";

/**
 * React Aria's button (keyboard, press and focus handling) with the app's looks. `isPending` is
 * handled here as disabled + aria-busy: React Aria's own pending state announces through a live
 * region whose placeholder (an unnamed role="img") outlives the button and fails axe's role-img-alt.
 */
export function Button({
  variant = "secondary",
  className,
  isPending,
  isDisabled,
  ...props
}: ButtonProps & { variant?: Variant }) {
  return (
    <AriaButton
      {...props}
      isDisabled={isDisabled || isPending}
      aria-busy={isPending || undefined}
      className={`btn btn-${variant}${className ? ` ${className}` : ""}`}
    />
  );
}
