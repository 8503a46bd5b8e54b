// Tests of the Duplicates tab's words.
import { describe, expect, it } from "vitest";

import { leadLabel, mergedMessage, percent, reasonText } from "./duplicateText";

const jane = { id: 101, name: "Jane Doe", email: "jane.doe@gmail.com", company: null, phone: null };
const tagged = { id: 102, name: "Jane Doe", email: "janedoe+webinar@gmail.com", company: null, phone: null };

describe("duplicate text", () => {
  it("writes confidence as a whole percentage", () => {
    expect(percent(0.95)).toBe("95%");
    expect(percent(0.8575)).toBe("86%");
  });
  it("names a lead by name and address, or what it has", () => {
    expect(leadLabel(jane)).toBe("Jane Doe <jane.doe@gmail.com>");
    expect(leadLabel({ ...jane, name: "" })).toBe("jane.doe@gmail.com");
    expect(leadLabel({ ...jane, name: "", email: null })).toBe("lead 101");
  });
  it("says why a value is kept and what was merged", () => {
    expect(reasonText("most_recent")).toBe("most recent non-empty");
    expect(reasonText("picked")).toBe("picked");
    expect(mergedMessage([tagged], jane)).toBe(
      "Merged Jane Doe <janedoe+webinar@gmail.com> into Jane Doe <jane.doe@gmail.com>",
    );
  });
});
