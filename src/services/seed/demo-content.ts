/**
 * What the demo organisation's departments get on top of people: a knowledge base filled from the
 * bundled documents in `demo/documents/<department>/`, an assistant grounded in it, and a namespace
 * that sends conversations to that assistant.
 */
export interface DemoDepartmentContent {
  /** The demo department's slug; also the folder under `demo/documents/`. */
  department: string;
  knowledgeBase: { name: string; description: string };
  agent: { name: string; description: string; prompt: string };
  namespace: { name: string; slug: string; description: string; systemPrompt: string };
  /**
   * Intent examples of the namespace and how each intent is governed (ADR 0008): `autonomous`
   * answers at once (sampled for review), `held` waits for an approver until it earns trust,
   * `hold` is always held, `handoff` goes to a person.
   */
  intents?: { intent: string; governance: "autonomous" | "held" | "hold" | "handoff"; phrases: string[] }[];
}

/** Built-in tools every demo assistant may use: look things up again, and know today's date. */
export const DEMO_AGENT_TOOLS = ["knowledge_search", "current_datetime"];

const GROUNDING =
  "Answer only from the passages you are given or find with knowledge_search, quote numbers and limits " +
  "exactly as the documents state them, and cite every statement with its passage marker like [1]. " +
  "If the documents do not answer the question, say so plainly instead of guessing.";

export const DEMO_CONTENT: readonly DemoDepartmentContent[] = [
  {
    department: "hr",
    knowledgeBase: {
      name: "HR Handbook",
      description: "Employee handbook: leave and absence, expenses, business travel",
    },
    agent: {
      name: "HR Assistant",
      description: "Answers questions about leave, sick pay, parental leave, expenses and travel",
      prompt:
        "You are the HR Assistant of the Demo Organisation. You help employees with annual leave, sick " +
        `leave, parental leave, expenses and business travel, using the employee handbook. ${GROUNDING} ` +
        "For personal cases (a specific balance, a dispute, a medical matter) point people to HR at " +
        "hr@demo.atrium.local. Never give legal or tax advice.",
    },
    namespace: {
      name: "HR",
      slug: "hr",
      description: "Questions for Human Resources",
      systemPrompt:
        "Be friendly and concise. Employees may ask about sensitive personal situations: be discreet.",
    },
    intents: [
      {
        intent: "leave_policy",
        governance: "autonomous",
        phrases: [
          "How many days of annual leave do I get?",
          "Can I carry over unused holiday days?",
          "What is the policy for parental leave?",
          "How does sick leave work?",
          "How far ahead do I need to book vacation?",
        ],
      },
      {
        intent: "leave_balance",
        governance: "held",
        phrases: [
          "How many days of leave do I have left?",
          "What is my remaining holiday allowance?",
          "How much vacation time is left for me this year?",
          "Can you tell me my leave balance?",
          "How many holidays have I used so far?",
        ],
      },
      {
        intent: "expense_claim",
        governance: "held",
        phrases: [
          "How do I claim back a taxi receipt?",
          "I want to submit an expense claim for a client dinner",
          "Can I get reimbursed for my train ticket?",
          "Where do I send my hotel receipts?",
          "Is my expense claim approved yet?",
        ],
      },
      {
        intent: "payroll_change",
        governance: "hold",
        phrases: [
          "I need to change the bank account my salary is paid into",
          "Please update my bank details for payroll",
          "My IBAN changed, how do I update it?",
          "I want to change my tax code on my payslip",
          "Update the account where my wages go",
        ],
      },
      {
        intent: "complaint",
        governance: "handoff",
        phrases: [
          "I want to file a complaint about my manager",
          "I am being treated unfairly at work",
          "I want to report harassment",
          "I have a grievance about my team lead",
          "Someone at work is bullying me",
        ],
      },
    ],
  },
  {
    department: "it",
    knowledgeBase: {
      name: "IT Policies",
      description: "IT security and access policy, IT help desk FAQ",
    },
    agent: {
      name: "IT Helpdesk",
      description: "Answers questions about passwords, MFA, devices, access requests, VPN and incidents",
      prompt:
        "You are the IT Helpdesk assistant of the Demo Organisation. You help people with passwords, " +
        "multi-factor authentication, laptops and phones, access requests, the VPN and security incidents, " +
        `using the IT security policy and the help desk FAQ. ${GROUNDING} Give steps as short numbered ` +
        "lists. Never ask for a password. For a suspected security incident, always tell people to call " +
        "the security hotline on extension 4444 first.",
    },
    namespace: {
      name: "IT",
      slug: "it",
      description: "Questions for the IT Help Desk",
      systemPrompt: "Be practical and precise; people asking usually want to get back to work quickly.",
    },
  },
  {
    department: "finance",
    knowledgeBase: {
      name: "Finance Policies",
      description: "Purchasing and invoices policy",
    },
    agent: {
      name: "Finance Assistant",
      description:
        "Answers questions about purchase orders, quotes, approval limits, invoices and company cards",
      prompt:
        "You are the Finance Assistant of the Demo Organisation. You help people buy goods and services " +
        "and get suppliers paid: purchase orders, quotes and tenders, approval limits, new suppliers, " +
        `invoices and company cards, using the purchasing and invoices policy. ${GROUNDING} Amounts in ` +
        "the policy exclude VAT unless it says otherwise; say so when it matters.",
    },
    namespace: {
      name: "Finance",
      slug: "finance",
      description: "Questions for Finance",
      systemPrompt:
        "Be exact about amounts and approvers; when a limit is close, say which approver applies.",
    },
  },
];

/** The assistant `atrium ask` (and other clients without a choice) talk to in the demo organisation. */
export const DEMO_DEFAULT_AGENT = "HR Assistant";
