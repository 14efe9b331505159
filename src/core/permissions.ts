/** Every permission Atrium knows. Roles and API keys may only hold these. */
export const PERMISSIONS = {
  "kb:read": "Read knowledge bases and search them",
  "kb:write": "Create and change knowledge bases and their documents",
  "chat:use": "Talk to assistants",
  "approvals:decide": "Approve, edit, reject or escalate held replies",
  "conversations:handoff":
    "Take over conversations handed to a person in your departments: claim, assign, reply, release",
  "templates:manage": "Manage document templates",
  "agents:manage": "Manage assistants, agents, tools and schedules",
  "users:manage": "Invite, edit, transfer and deactivate users",
  "roles:manage": "Create and change roles",
  "departments:manage": "Create, edit and archive departments",
  "analytics:read": "Read usage, cost and run traces",
  "audit:read": "Read the audit log",
  "org:admin": "Administer the organisation (settings, budgets, API keys)",
  "pii:reveal": "See the personal data behind a conversation's placeholders (every view is audited)",
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

export type LegacyRole = "admin" | "approver" | "dept_head" | "employee";

/** Built-in roles mirror the legacy `users.role` enum so both stay meaningful. */
export const BUILT_IN_ROLES: ReadonlyArray<{
  slug: LegacyRole;
  name: string;
  description: string;
  allDepartments: boolean;
  permissions: Permission[];
}> = [
  {
    slug: "admin",
    name: "Administrator",
    description: "Everything, in every department",
    allDepartments: true,
    permissions: ALL_PERMISSIONS,
  },
  {
    slug: "dept_head",
    name: "Department head",
    description: "Runs a department: its knowledge, assistants, templates, approvals and people",
    allDepartments: false,
    permissions: [
      "kb:read",
      "kb:write",
      "chat:use",
      "approvals:decide",
      "conversations:handoff",
      "templates:manage",
      "agents:manage",
      "users:manage",
      "analytics:read",
    ],
  },
  {
    slug: "approver",
    name: "Approver",
    description: "Reviews held replies in their departments",
    allDepartments: false,
    permissions: ["kb:read", "chat:use", "approvals:decide", "conversations:handoff"],
  },
  {
    slug: "employee",
    name: "Employee",
    description: "Talks to the assistants of their department",
    allDepartments: false,
    permissions: ["kb:read", "chat:use"],
  },
];
