// The editor's band preview as drawn: before → after per band with the
// difference, the number of leads that change band and the largest moves;
// a new model shows only its counts.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import type { BandChanges } from "../../bindings/BandChanges";
import { BandPreview } from "./BandPreview";

afterEach(cleanup);

const CHANGES: BandChanges = {
  as_of: 0,
  leads: 5000,
  has_before: true,
  bands: [
    { band: "hot", before: 100, after: 400 },
    { band: "warm", before: 900, after: 600 },
    { band: "cold", before: 4000, after: 4000 },
  ],
  changed: 300,
  moves: [{ from: "warm", to: "hot", leads: 300 }],
};

describe("BandPreview", () => {
  it("shows before, after with the difference, and the leads that change band", () => {
    render(<BandPreview changes={CHANGES} pending={false} blocked={false} />);
    expect(screen.getByTestId("score-preview-band-hot").textContent).toBe("hot100400 (+300)");
    expect(screen.getByTestId("score-preview-band-warm").textContent).toBe("warm900600 (−300)");
    expect(screen.getByTestId("score-preview-band-cold").textContent).toBe("cold4,0004,000");
    expect(screen.getByTestId("score-preview-changed").textContent).toBe(
      "300 of 5,000 leads change band: 300 warm → hot",
    );
  });

  it("shows a new model's counts only, and says when the form blocks counting", () => {
    const fresh = { ...CHANGES, has_before: false, changed: 0, moves: [] };
    render(<BandPreview changes={fresh} pending={false} blocked={true} />);
    expect(screen.queryAllByTestId("score-preview-before")).toHaveLength(0);
    expect(screen.getByTestId("score-preview-changed").textContent).toMatch(/A new model: 5,000 leads/);
    expect(screen.getByTestId("score-preview-state").textContent).toMatch(/fix the problems/);
  });
});
