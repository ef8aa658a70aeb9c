import { describe, expect, it } from "vitest";
import { acknowledgementFor, classifyReaction, type Sentiment } from "./sentiment.ts";

describe("classifyReaction", () => {
  it("ignores skin tones", () => {
    for (let tone = 2; tone <= 6; tone += 1) {
      expect(classifyReaction(`+1::skin-tone-${tone}`)).toBe("positive");
      expect(classifyReaction(`-1::skin-tone-${tone}`)).toBe("negative");
    }
    expect(classifyReaction("man-facepalming::skin-tone-4")).toBe("negative");
  });

  it("ignores case and surrounding colons", () => {
    expect(classifyReaction("TADA")).toBe("positive");
    expect(classifyReaction(":Bug:")).toBe("bug");
    expect(classifyReaction(" ThumbsDown ")).toBe("negative");
  });

  it("recognises bug reports", () => {
    for (const name of ["bug", "beetle", "ant", "spider", "lady_beetle", "cockroach", "wrench"]) {
      expect(classifyReaction(name)).toBe("bug");
    }
    expect(classifyReaction("hammer_and_wrench")).toBe("bug");
    expect(classifyReaction("rotating_light")).toBe("bug");
  });

  it("recognises praise", () => {
    for (const name of [
      "+1",
      "thumbsup",
      "white_check_mark",
      "heart",
      "raised_hands",
      "100",
      "star-struck",
    ]) {
      expect(classifyReaction(name)).toBe("positive");
    }
  });

  it("recognises complaints", () => {
    for (const name of ["-1", "thumbsdown", "x", "confused", "thinking_face", "sob", "face_palm", "poop"]) {
      expect(classifyReaction(name)).toBe("negative");
    }
  });

  it("treats anything else as neutral", () => {
    for (const name of ["eyes", "coffee", "custom-team-emoji", "", "skin-tone-2"]) {
      expect(classifyReaction(name)).toBe("neutral");
    }
  });
});

describe("acknowledgementFor", () => {
  it("answers each sentiment with a fixed emoji", () => {
    const expected: Record<Sentiment, string> = {
      positive: "raised_hands",
      negative: "eyes",
      bug: "memo",
      neutral: "wave",
    };
    for (const [sentiment, emoji] of Object.entries(expected)) {
      expect(acknowledgementFor(sentiment as Sentiment)).toBe(emoji);
    }
  });

  it("gives each sentiment its own emoji", () => {
    const sentiments: Sentiment[] = ["positive", "negative", "bug", "neutral"];
    expect(new Set(sentiments.map(acknowledgementFor)).size).toBe(sentiments.length);
  });
});
