import { employeeProfiles } from "../../db/schema/index.js";
import { EmployeeProfileRepository } from "../../repositories/employee-profile.repository.js";
import { createMemoryService, type MemoryServiceDeps } from "./memory-service.js";

export type { MemoryService, ProfileView } from "./memory-service.js";

/** Employee memory wired to its repository. */
export function createMemoryServices(deps: Omit<MemoryServiceDeps, "profiles">) {
  return createMemoryService({ ...deps, profiles: new EmployeeProfileRepository(deps.db, employeeProfiles) });
}
