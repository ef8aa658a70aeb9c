import { describe, expect, it } from "vitest";
import { maskContactsInText, redactFields } from "./redact.ts";

describe("maskContactsInText", () => {
  it.each([
    ["Venue contact: dana.whitfield@leespalace.example, ask for load-in times", "dana.whitfield@"],
    ["Call me at (416) 555-0134 tomorrow", "(416) 555-0134"],
    ["my cell is 415-555-0199", "415-555-0199"],
    ["call 416.555.0123 after six", "416.555.0123"],
    ["toll free 1-800-555-0199", "1-800-555-0199"],
    ["her agent in London: +44 20 7946 0958", "+44 20 7946 0958"],
    ["Paris mobile +33 6 12 34 56 78", "+33 6 12 34 56 78"],
    ["text me at 4165550123 when you arrive", "4165550123"],
  ])("masks the contact in %j", (text, contact) => {
    const masked = maskContactsInText(text);
    expect(masked).not.toContain(contact);
    // Everything around the contact is left as written.
    const [before, after] = text.split(contact) as [string, string];
    expect(masked.startsWith(before)).toBe(true);
    expect(masked.endsWith(after)).toBe(true);
  });

  it("keeps the domain of an email and the last two digits of a phone, so people can still tell them apart", () => {
    expect(maskContactsInText("write to dana@venue.example or call (416) 555-0134")).toBe(
      "write to d***@venue.example or call ***34",
    );
  });

  it("masks every contact in a message, several of each kind", () => {
    const text = "a@x.example, b@y.example; +1 212 555 0147 and +44 20 7946 0958";
    const masked = maskContactsInText(text);
    for (const contact of ["a@x.example", "b@y.example", "212 555 0147", "20 7946 0958"]) {
      expect(masked).not.toContain(contact);
    }
  });

  it.each([
    "AB4001 moved to AB4023; AB4120 unchanged",
    "doors 2026-03-14 at 19:30, load-out by 23:45",
    "webhook at 2026-03-14T19:30:00.000Z and again 2026-03-14T21:05:12Z",
    "dates 03/14/2026 to 04/02/2026",
    "from 2025-09-01 to 2025-12-31",
    "Eventbrite event 812345678901, order 8123456789, order #1234567890",
    "slack ts 1710412345.000200",
    "paid $1,250.00 and CAD 2,500 (3 artists), 25-35 per ticket",
    "IP 192.168.1.10 port 5432",
    "vote count 1234567 after round 2",
    "",
  ])("leaves %j untouched", (text) => {
    expect(maskContactsInText(text)).toBe(text);
  });
});

describe("redactFields with free-text fields", () => {
  it("masks contacts inside declared text fields at any depth and leaves other fields alone", () => {
    const result = {
      query: "dana@venue.example",
      results: [
        {
          text: "Contact dana@venue.example or (416) 555-0134 about AB4012",
          user_name: "Maria",
          context: [{ text: "cell 415-555-0199" }],
        },
      ],
    };
    const redacted = redactFields(result, { text: "text" });
    expect(redacted.results[0]?.text).toBe("Contact d***@venue.example or ***34 about AB4012");
    expect(redacted.results[0]?.context[0]?.text).toBe("cell ***99");
    expect(redacted.results[0]?.user_name).toBe("Maria");
    // Not a declared field: the caller's own question comes back as asked.
    expect(redacted.query).toBe("dana@venue.example");
  });
});
