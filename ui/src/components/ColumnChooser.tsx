// Chooses which fields the lead table shows, grouped by segmentation category.
import type { Table } from "@tanstack/react-table";
import { useState } from "react";

import type { Field } from "../bindings/Field";
import type { LeadRow } from "../bindings/LeadRow";
import { CATEGORY_LABELS } from "../lib/format";

export function ColumnChooser({ table, fields }: { table: Table<LeadRow>; fields: Field[] }) {
  const [open, setOpen] = useState(false);
  const categories = Object.keys(CATEGORY_LABELS).filter((c) => fields.some((f) => f.category === c));
  return (
    <div className="column-chooser">
      <button data-testid="column-chooser" onClick={() => setOpen(!open)}>
        Columns ▾
      </button>
      {open && (
        <div className="menu columns-menu" data-testid="column-menu">
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
          <button className="link" onClick={() => setOpen(false)}>
            Done
          </button>
        </div>
      )}
    </div>
  );
}
