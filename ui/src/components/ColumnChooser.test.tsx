// The Columns menu closes with Escape (focus back on its button) and with a
// press outside it, and stays open for presses inside.
import { getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import type { Field } from "../bindings/Field";
import type { LeadRow } from "../bindings/LeadRow";
import { ColumnChooser } from "./ColumnChooser";

const FIELDS: Field[] = [
  {
    key: "email",
    label: "Email",
    type: "text",
    origin: "explicit",
    category: "demographic",
    is_standard: true,
    is_computed: false,
  },
];

function Harness() {
  const table = useReactTable<LeadRow>({
    data: [],
    columns: [{ id: "email", accessorFn: (row) => row.id }],
    getCoreRowModel: getCoreRowModel(),
  });
  return (
    <div>
      <p data-testid="outside">elsewhere</p>
      <ColumnChooser table={table} fields={FIELDS} />
    </div>
  );
}

afterEach(cleanup);

describe("ColumnChooser", () => {
  it("closes on Escape and gives the focus back to its button", () => {
    render(<Harness />);
    const button = screen.getByTestId("column-chooser");
    fireEvent.click(button);
    expect(screen.getByTestId("column-menu")).toBeTruthy();
    fireEvent.keyDown(document, { key: "Escape" });
    expect(screen.queryByTestId("column-menu")).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it("closes on a press outside it, not inside", () => {
    render(<Harness />);
    fireEvent.click(screen.getByTestId("column-chooser"));
    fireEvent.mouseDown(screen.getByTestId("column-toggle-email"));
    expect(screen.getByTestId("column-menu")).toBeTruthy();
    fireEvent.mouseDown(screen.getByTestId("outside"));
    expect(screen.queryByTestId("column-menu")).toBeNull();
  });
});
