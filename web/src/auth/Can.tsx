import type { ReactNode } from "react";
import { type Permission, useCan } from "./me";

/**
 * Renders its children only for people who hold `permission`: a person never sees a button the API
 * would refuse. (The API still checks; a refusal is shown by the page as an error.)
 */
export function Can({ permission, children }: { permission: Permission; children: ReactNode }) {
  return useCan(permission) ? children : null;
}
