// A whole-number input that can be emptied while the user types: it keeps
// its own text, so clearing "30" shows an empty box (not "0", which became
// "030" once the user typed 30), and tells the rule only whole numbers; an
// empty box tells it 0, which the backend refuses with a message.
import { useEffect, useState } from "react";

type Props = {
  value: number | null;
  onChange: (amount: number) => void;
  label: string;
  testId?: string;
  disabled?: boolean;
  placeholder?: string;
};

/** The amount a box's text stands for: a whole number, or 0 when blank or not a number. */
export function amountOf(text: string): number {
  const n = Number(text);
  return text.trim() === "" || !Number.isFinite(n) ? 0 : Math.max(0, Math.floor(n));
}

export function AmountInput({ value, onChange, label, testId, disabled, placeholder }: Props) {
  const shown = value === null ? "" : String(value);
  const [text, setText] = useState(shown);
  // Follow outside changes (another segment, a unit switched on) but not our own typing.
  useEffect(() => {
    setText((current) => (value !== null && amountOf(current) === value ? current : shown));
  }, [shown, value]);
  return (
    <input
      type="number"
      min={1}
      step={1}
      className="value-number"
      data-testid={testId}
      aria-label={label}
      disabled={disabled}
      placeholder={placeholder}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(amountOf(e.target.value));
      }}
    />
  );
}
