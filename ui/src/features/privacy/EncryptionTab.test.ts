// The Encryption tab's words: what a new passphrase must be, and what each
// confirmation says will happen (workspace and backups named and counted).
import { describe, expect, it } from "vitest";

import { confirmation, outcomeText, passphraseProblem } from "./EncryptionTab";

describe("passphraseProblem", () => {
  it("wants at least 8 characters, typed the same twice", () => {
    expect(passphraseProblem("short", "short")).toBe("A passphrase needs at least 8 characters.");
    expect(passphraseProblem("long enough", "long enougH")).toMatch(/differ/);
    expect(passphraseProblem("long enough", "long enough")).toBeNull();
    // Characters, not UTF-16 units: eight emoji are eight characters.
    expect(passphraseProblem("🔑".repeat(8), "🔑".repeat(8))).toBeNull();
  });
});

describe("confirmation", () => {
  it("names the workspace and counts its backups", () => {
    expect(confirmation("protect", "Deals", 2).text).toContain("encrypt “Deals” and its 2 backups");
    expect(confirmation("protect", "Deals", 1).text).toContain("its 1 backup with");
    expect(confirmation("change", "Deals", 0).title).toBe("Change the passphrase?");
    expect(confirmation("remove", "Deals", 3).text).toContain("decrypt “Deals” and its 3 backups");
    expect(confirmation("protect", "Deals", 0).text).toContain("encrypt “Deals” with this passphrase");
  });

  it("says what was done, with the backups when there were any", () => {
    expect(outcomeText({ change: "protected", backups: 0 })).toBe("The workspace is now protected.");
    expect(outcomeText({ change: "passphrase_changed", backups: 2 })).toBe(
      "The passphrase was changed; 2 backups re-encrypted with it.",
    );
    expect(outcomeText({ change: "unprotected", backups: 1 })).toBe("The passphrase was removed; 1 backup decrypted.");
  });
});
