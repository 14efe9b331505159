/** An agent's state in one word: archived wins over disabled, a draft has never been published. */
export function agentState(agent: { archived: boolean; enabled: boolean }): string {
  if (agent.archived) return "archived";
  return agent.enabled ? "enabled" : "disabled";
}

export function versionLabel(agent: { currentVersion: number | null; hasUnpublishedChanges: boolean }) {
  if (agent.currentVersion === null) return "draft (never published)";
  return `v${agent.currentVersion}${agent.hasUnpublishedChanges ? " + unpublished changes" : ""}`;
}
