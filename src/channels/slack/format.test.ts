import { describe, expect, it } from "vitest";
import { SLACK_SECTION_LIMIT, splitForSlack, toMrkdwn } from "./format.ts";

const fences = (text: string): number => text.split("```").length - 1;
const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

describe("toMrkdwn escaping", () => {
  it("escapes &, < and > in text", () => {
    expect(toMrkdwn("Q&A: 1 < 2 > 0")).toBe("Q&amp;A: 1 &lt; 2 &gt; 0");
  });

  it("keeps Slack's own tokens intact", () => {
    const tokens = [
      "<@U0ABC123>",
      "<#C0ABC123>",
      "<#C0ABC123|ops-alerts>",
      "<!here>",
      "<!channel>",
      "<!subteam^S0ABC123>",
      "<https://example.com/a?b=1|the report>",
      "<https://example.com>",
      "<mailto:ops@example.com|ops>",
    ];
    for (const token of tokens) {
      expect(toMrkdwn(`ping ${token} & done`)).toBe(`ping ${token} &amp; done`);
    }
  });

  it("escapes angle brackets that are not Slack tokens", () => {
    expect(toMrkdwn("<div> and <@lowercase>")).toBe("&lt;div&gt; and &lt;@lowercase&gt;");
  });
});

describe("toMrkdwn code", () => {
  it("leaves fenced code unconverted but escaped, and drops the language tag", () => {
    const markdown = ["```ts", "const a = **b** && c < d; // [x](y)", "- not a bullet", "```"].join("\n");
    expect(toMrkdwn(markdown)).toBe(
      ["```", "const a = **b** &amp;&amp; c &lt; d; // [x](y)", "- not a bullet", "```"].join("\n"),
    );
  });

  it("turns tilde fences into backtick fences and closes an unclosed fence", () => {
    expect(toMrkdwn("~~~\n~~x~~")).toBe("```\n~~x~~\n```");
    expect(toMrkdwn("```\n# not a heading")).toBe("```\n# not a heading\n```");
  });

  it("dedents code fenced inside a list item", () => {
    expect(toMrkdwn("- step\n  ```sh\n  npm test\n  ```")).toBe("• step\n```\nnpm test\n```");
  });

  it("protects inline code from conversion but still escapes it", () => {
    expect(toMrkdwn("run `a **b** && <c>` then **go**")).toBe("run `a **b** &amp;&amp; &lt;c&gt;` then *go*");
  });

  it("keeps Slack's one-line code block as it is", () => {
    expect(toMrkdwn("```SELECT 1```")).toBe("```SELECT 1```");
  });
});

describe("toMrkdwn tables", () => {
  it("renders a table as an aligned code block without the separator row", () => {
    const markdown = [
      "Results:",
      "| Event | City | Tickets |",
      "|---|:---:|--:|",
      "| **Jazz Night** | Paris | 120 |",
      "| Rock & Roll | Berlin | 8 |",
      "Done.",
    ].join("\n");
    expect(toMrkdwn(markdown)).toBe(
      [
        "Results:",
        "```",
        "Event        City    Tickets",
        "Jazz Night   Paris   120",
        "Rock &amp; Roll  Berlin  8",
        "```",
        "Done.",
      ].join("\n"),
    );
  });

  it("renders a table without a separator row and with ragged rows", () => {
    expect(toMrkdwn("| a | bb |\n| ccc |")).toBe("```\na    bb\nccc\n```");
  });

  it("keeps link targets and drops markup inside cells", () => {
    expect(toMrkdwn("| name | link |\n| `x` | [docs](https://d.io) |")).toBe(
      "```\nname  link\nx     docs (https://d.io)\n```",
    );
  });

  it("does not treat a single piped line as a table", () => {
    expect(toMrkdwn("| just one |")).toBe("| just one |");
  });
});

describe("toMrkdwn headings", () => {
  it("turns every heading level into a bold line", () => {
    for (let level = 1; level <= 6; level += 1) {
      expect(toMrkdwn(`${"#".repeat(level)} Upcoming events`)).toBe("*Upcoming events*");
    }
  });

  it("strips inner bold and closing hashes", () => {
    expect(toMrkdwn("## The **big** one ##")).toBe("*The big one*");
    expect(toMrkdwn("### *Already bold*")).toBe("*Already bold*");
  });

  it("escapes and links inside a heading", () => {
    expect(toMrkdwn("# Q&A [docs](https://d.io)")).toBe("*Q&amp;A <https://d.io|docs>*");
  });

  it("ignores a hash without a space", () => {
    expect(toMrkdwn("#general is busy")).toBe("#general is busy");
  });
});

describe("toMrkdwn emphasis", () => {
  it("turns Markdown bold into Slack bold", () => {
    expect(toMrkdwn("**Sold out** and __cancelled__")).toBe("*Sold out* and *cancelled*");
  });

  it("keeps single-asterisk spans as Slack bold", () => {
    expect(toMrkdwn("*Upcoming events* — 3 found")).toBe("*Upcoming events* — 3 found");
    expect(toMrkdwn("Status: *ok* today")).toBe("Status: *ok* today");
  });

  it("keeps underscore italics", () => {
    expect(toMrkdwn("_tentative_ date")).toBe("_tentative_ date");
  });

  it("turns strikethrough into Slack strikethrough", () => {
    expect(toMrkdwn("~~old price~~ new price")).toBe("~old price~ new price");
  });

  it("turns bold italics into bold around italics", () => {
    expect(toMrkdwn("***urgent***")).toBe("*_urgent_*");
  });

  it("leaves identifiers with double underscores alone", () => {
    expect(toMrkdwn("call my__private__helper")).toBe("call my__private__helper");
  });
});

describe("toMrkdwn links", () => {
  it("turns Markdown links into Slack links", () => {
    expect(toMrkdwn("See [the report](https://example.com/r?a=1&b=2).")).toBe(
      "See <https://example.com/r?a=1&amp;b=2|the report>.",
    );
  });

  it("keeps parentheses inside the URL", () => {
    expect(toMrkdwn("[wiki](https://en.wikipedia.org/wiki/Foo_(bar))")).toBe(
      "<https://en.wikipedia.org/wiki/Foo_(bar)|wiki>",
    );
  });

  it("writes out a link Slack could not open", () => {
    expect(toMrkdwn("[settings](/admin/settings)")).toBe("settings (/admin/settings)");
  });

  it("leaves bare URLs untouched, emphasis characters included", () => {
    expect(toMrkdwn("Go to https://example.com/a__b__c/~~d~~ now")).toBe(
      "Go to https://example.com/a__b__c/~~d~~ now",
    );
  });

  it("converts bold around a link", () => {
    expect(toMrkdwn("**see [docs](https://d.io)**")).toBe("*see <https://d.io|docs>*");
  });
});

describe("toMrkdwn lists and quotes", () => {
  it("turns -, * and + bullets into • and keeps indentation", () => {
    expect(toMrkdwn("- one\n* two\n  + nested **bold**")).toBe("• one\n• two\n  • nested *bold*");
  });

  it("leaves numbered lists alone", () => {
    expect(toMrkdwn("1. first\n2. second")).toBe("1. first\n2. second");
  });

  it("does not take bold at the start of a line for a bullet", () => {
    expect(toMrkdwn("**Note:** read")).toBe("*Note:* read");
    expect(toMrkdwn("*Note:* read")).toBe("*Note:* read");
  });

  it("keeps the quote marker raw", () => {
    expect(toMrkdwn("> quoted & **bold**\n> - item")).toBe("> quoted &amp; *bold*\n> • item");
  });
});

describe("splitForSlack", () => {
  it("returns nothing for empty or blank text, and short text as it is", () => {
    expect(splitForSlack("")).toEqual([]);
    expect(splitForSlack(" \n\n ")).toEqual([]);
    expect(splitForSlack("hello")).toEqual(["hello"]);
    expect(SLACK_SECTION_LIMIT).toBe(3000);
  });

  it("splits 10,000 characters into chunks within the limit, keeping every word in order", () => {
    const paragraphs: string[] = [];
    let length = 0;
    for (let p = 0; length < 10_000; p += 1) {
      const sentence = Array.from({ length: 12 + (p % 7) }, (_, w) => `word${p}_${w}`).join(" ");
      paragraphs.push(sentence);
      length += sentence.length + 2;
    }
    const text = paragraphs.join("\n\n");
    expect(text.length).toBeGreaterThanOrEqual(10_000);

    const chunks = splitForSlack(text);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(3000);
    expect(words(chunks.join("\n"))).toEqual(words(text));
  });

  it("prefers a blank line, then a line break, then a space", () => {
    expect(splitForSlack("aaaa bbbb\ncccc\n\ndddd eeee", 20)).toEqual(["aaaa bbbb\ncccc", "dddd eeee"]);
    expect(splitForSlack("aaaa bbbb\ncccc dddd eeee", 20)).toEqual(["aaaa bbbb", "cccc dddd eeee"]);
    expect(splitForSlack("aaaa bbbb cccc dddd eeee", 20)).toEqual(["aaaa bbbb cccc", "dddd eeee"]);
  });

  it("does not break inside a Slack link", () => {
    const chunks = splitForSlack("intro words <https://x.io|a long label here> tail", 40);
    expect(chunks).toEqual(["intro words", "<https://x.io|a long label here> tail"]);
  });

  it("closes and reopens a code block cut in two", () => {
    const code = Array.from({ length: 80 }, (_, i) => `line ${i}: const value${i} = compute(${i});`);
    const text = ["Here is the script:", "", "```", ...code, "```", "", "That is all."].join("\n");
    const chunks = splitForSlack(text, 500);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(500);
      expect(fences(chunk) % 2).toBe(0);
    }
    const lines = chunks.flatMap((chunk) => chunk.split("\n")).filter((line) => line && line !== "```");
    expect(lines).toEqual(text.split("\n").filter((line) => line && line !== "```"));
  });

  it("does not leave an empty code block at the end of a chunk", () => {
    const text = `${"a".repeat(30)}\n\`\`\`\n${"b".repeat(30)}\n\`\`\``;
    expect(splitForSlack(text, 40)).toEqual(["a".repeat(30), `\`\`\`\n${"b".repeat(30)}\n\`\`\``]);
  });

  it("cuts a single 7000-character word into chunks within the limit", () => {
    const word = "x".repeat(7000);
    const chunks = splitForSlack(word);
    expect(chunks.length).toBe(3);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(3000);
    expect(chunks.join("")).toBe(word);
  });

  it("does not cut through an entity or a surrogate pair", () => {
    const escaped = `${"x".repeat(14)}&amp;${"y".repeat(20)}`;
    const chunks = splitForSlack(escaped, 20);
    expect(chunks[0]).toBe("x".repeat(14));
    for (const chunk of chunks) expect(chunk).not.toMatch(/&(?!amp;)|(?<!&amp);/);
    expect(chunks.join("")).toBe(escaped);
    const emoji = splitForSlack(`${"x".repeat(11)}${"😀".repeat(10)}`, 20);
    expect(emoji.join("")).toBe(`${"x".repeat(11)}${"😀".repeat(10)}`);
    for (const chunk of emoji) expect(chunk).not.toMatch(/\p{Cs}/u);
  });

  it("rejects a limit too small to hold the fences it may add", () => {
    expect(() => splitForSlack("text", 5)).toThrow(RangeError);
  });
});
