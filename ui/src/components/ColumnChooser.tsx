// Chooses which fields the lead table shows, grouped by segmentation category.
// The menu closes with Done, Escape (focus back on its button) or a click
// anywhere outside it, as menus do.
import type { Table } from "@tanstack/react-table";
import { useEffect, useRef, useState } from "react";

import type { Field } from "../bindings/Field";
import type { LeadRow } from "../bindings/LeadRow";
import { CATEGORY_LABELS } from "../lib/format";

export function ColumnChooser({ table, fields }: { table: Table<LeadRow>; fields: Field[] }) {
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const categories = Object.keys(CATEGORY_LABELS).filter((c) => fields.some((f) => f.category === c));

  useEffect(() => {
    if (!open) return;
    const closeOnOutsidePress = (event: MouseEvent) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      event.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("mousedown", closeOnOutsidePress);
    document.addEventListener("keydown", closeOnEscape);
    return () => {
      document.removeEventListener("mousedown", closeOnOutsidePress);
      document.removeEventListener("keydown", closeOnEscape);
    };
  }, [open]);

  return (
    <div className="column-chooser" ref={container}>
      <button
        ref={button}
        data-testid="column-chooser"
        aria-expanded={open}
        aria-controls="column-menu"
        onClick={() => setOpen(!open)}
      >
        Columns ▾
      </button>
      {open && (
        <div className="menu columns-menu" id="column-menu" data-testid="column-menu">
          {categories.map((category) => (
            <div key={category}>
              <div className="menu-heading">{CATEGORY_LABELS[category]}</div>
              {fields
                .filter((f) => f.category === category)
                .map((field) => {
                  const column = table.getColumn(field.key);
                  return (
                    <label key={field.key} className="check">
                      <input
                        type="checkbox"
                        data-testid={`column-toggle-${field.key}`}
                        checked={column?.getIsVisible() ?? false}
                        onChange={(e) => column?.toggleVisibility(e.target.checked)}
                      />
                      {field.label}
                    </label>
                  );
                })}
            </div>
          ))}
          <button className="link" data-testid="column-menu-done" onClick={() => setOpen(false)}>
            Done
          </button>
        </div>
      )}
    </div>
  );
}
