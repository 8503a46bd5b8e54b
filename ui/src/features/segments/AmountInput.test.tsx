// The "In the last" amount can be emptied and retyped: it never shows "030".
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";

import { AmountInput, amountOf } from "./AmountInput";

afterEach(cleanup);

function Harness() {
  const [amount, setAmount] = useState<number | null>(30);
  return (
    <>
      <AmountInput label="In the last: how many" value={amount} onChange={setAmount} />
      <output data-testid="amount">{String(amount)}</output>
    </>
  );
}

describe("AmountInput", () => {
  it("reads whole numbers, and blank or nonsense as 0", () => {
    expect(amountOf("30")).toBe(30);
    expect(amountOf("2.7")).toBe(2);
    expect(amountOf("")).toBe(0);
    expect(amountOf("1e999")).toBe(0);
  });
  it("can be emptied, and typing afterwards gives what was typed", () => {
    render(<Harness />);
    const input = screen.getByLabelText("In the last: how many") as HTMLInputElement;
    fireEvent.change(input, { target: { value: "" } });
    expect(input.value).toBe("");
    expect(screen.getByTestId("amount").textContent).toBe("0");
    fireEvent.change(input, { target: { value: "3" } });
    fireEvent.change(input, { target: { value: "30" } });
    expect(input.value).toBe("30");
    expect(screen.getByTestId("amount").textContent).toBe("30");
  });
});
