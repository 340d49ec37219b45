/**
 * A table wider than a phone, scrolled sideways inside its own region: focusable and named, so a keyboard user can
 * scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable) and a screen reader says what it holds.
 */
import type { ReactNode } from "react";

export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
