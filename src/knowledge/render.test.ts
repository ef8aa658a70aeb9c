import { describe, expect, it } from "vitest";
import { messageRow, renderText, tsToIso } from "./render.ts";
import { queryTerms } from "./search.ts";

const directory = {
  userName: (id: string) => ({ U1: "Maria", U2: "priya" })[id],
  channelName: (id: string) => ({ C1: "venues" })[id],
};

describe("renderText", () => {
  it.each([
    ["<@U1> can you check?", "@Maria can you check?"],
    ["<@U9|olduser> left", "@olduser left"],
    ["<@U9> is unknown", "@U9 is unknown"],
    ["see <#C1> and <#C7|payments>", "see #venues and #payments"],
    [
      "<https://x.example/a|the runbook> and <https://x.example/b>",
      "the runbook (https://x.example/a) and https://x.example/b",
    ],
    ["mail <mailto:dana@venues.example|dana@venues.example>", "mail dana@venues.example"],
    ["<!here> doors at 7", "@here doors at 7"],
    ["ping <!subteam^S1|@producers>", "ping @producers"],
    ["on <!date^1757000000^{date_short}|Sep 4th>", "on Sep 4th"],
    ["Q&amp;A: 3 &lt; 5 &gt; 2", "Q&A: 3 < 5 > 2"],
  ])("%j → %j", (raw, text) => {
    expect(renderText(raw, directory)).toBe(text);
  });
});

describe("messageRow", () => {
  const row = (m: object) =>
    messageRow({ type: "message", ts: "1757000000.000200", ...m }, "C1", "venues/x.json", directory);

  it("leaves out channel events and messages with nothing to read", () => {
    expect(row({ subtype: "channel_join", user: "U1", text: "<@U1> has joined the channel" })).toBeNull();
    expect(row({ user: "U1", text: "" })).toBeNull();
    expect(row({ type: "reaction_added" })).toBeNull();
  });

  it("keeps bot messages under the bot's id and name, and files by their title", () => {
    expect(
      row({ subtype: "bot_message", bot_id: "B1", username: "Eventbrite Sync", text: "Sync failed" }),
    ).toMatchObject({
      user_id: "B1",
      user_name: "Eventbrite Sync",
      text: "Sync failed",
    });
    expect(row({ user: "U1", text: "", files: [{ title: "Floor plan", name: "plan.pdf" }] })?.text).toBe(
      "[file: Floor plan]",
    );
    expect(row({ user: "U1", attachments: [{ title: "Alert", fallback: "Disk 91% full" }] })?.text).toBe(
      "Alert: Disk 91% full",
    );
  });

  it("keeps the timestamp's microseconds", () => {
    expect(tsToIso("1757000000.000200")).toBe("2025-09-04T15:33:20.000200Z");
    expect(tsToIso("1757000000.5")).toBe("2025-09-04T15:33:20.500000Z");
  });
});

describe("queryTerms", () => {
  it("splits a web-style query into required, any-of and excluded parts", () => {
    expect(queryTerms('projector "round two" -cable')).toEqual({
      strict: 'projector "round two" -cable',
      loose: 'projector or "round two"',
      negative: "cable",
      trigram: "projector round two",
    });
    expect(queryTerms("venue or projector").loose).toBe("venue or projector");
    expect(queryTerms(`${"long ".repeat(100)}`).trigram.length).toBeLessThanOrEqual(128);
  });
});
