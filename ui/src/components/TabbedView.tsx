// A view made of tabs (Strategy, Quality, Privacy): the tab list and the one
// panel, with their ARIA roles, and the ids and test ids the views' tests
// use: `${area}-view`, `${area}-tab-${key}`, `${area}-panel`.
import type { ReactNode } from "react";

type Props<K extends string> = {
  /** The view's name in ids, test ids and class names ("quality"). */
  area: string;
  /** The tab list's accessible name ("Quality"). */
  label: string;
  tabs: readonly { readonly key: K; readonly label: string }[];
  active: K;
  onSelect: (key: K) => void;
  /** The active tab's content. */
  children: ReactNode;
};

export function TabbedView<K extends string>({ area, label, tabs, active, onSelect, children }: Props<K>) {
  return (
    <div className={`${area}-view`} data-testid={`${area}-view`}>
      <div className="tabs" role="tablist" aria-label={label}>
        {tabs.map((t) => (
          <button
            key={t.key}
            role="tab"
            id={`${area}-tab-${t.key}`}
            aria-selected={active === t.key}
            aria-controls={`${area}-panel`}
            className={active === t.key ? "tab active" : "tab"}
            data-testid={`${area}-tab-${t.key}`}
            onClick={() => onSelect(t.key)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        className={`tab-body ${area}-body`}
        id={`${area}-panel`}
        role="tabpanel"
        aria-labelledby={`${area}-tab-${active}`}
      >
        {children}
      </div>
    </div>
  );
}
