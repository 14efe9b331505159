import type { ReactNode } from "react";

/**
 * A wide table's horizontal scroller. On a phone it scrolls, so it is a named region keyboard users
 * can focus and scroll with the arrow keys (axe: scrollable-region-focusable).
 */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable to scroll by keyboard
    <section className="table-wrap" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
