// useIntent keeps a view's intent through a first render that React throws
// away (a lazy child suspending) and takes it for good once the view mounts.
import { render, screen } from "@testing-library/react";
import { Suspense, lazy } from "react";
import { describe, expect, it } from "vitest";

import { holdIntent, peekIntent, useIntent } from "./navigation";

let release: () => void = () => {};
const loaded = new Promise<void>((resolve) => (release = resolve));
const SlowChild = lazy(() => loaded.then(() => ({ default: () => <span>child</span> })));

function View() {
  const intent = useIntent("segments");
  return (
    <div>
      <span data-testid="name">{intent?.name ?? "none"}</span>
      <SlowChild />
    </div>
  );
}

describe("useIntent", () => {
  it("survives a suspended first render and is taken once mounted", async () => {
    holdIntent({ view: "segments", name: "In A and in B", rules: { combinator: "and", not: false, rules: [] } });
    render(
      <Suspense fallback={<span>loading</span>}>
        <View />
      </Suspense>,
    );
    expect(screen.getByText("loading")).toBeTruthy();
    release();
    expect((await screen.findByTestId("name")).textContent).toBe("In A and in B");
    expect(peekIntent("segments")).toBeNull();
  });
});
