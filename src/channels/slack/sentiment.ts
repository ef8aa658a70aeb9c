/** What an emoji reaction on one of Arthur's answers says about it. */
export type Sentiment = "positive" | "negative" | "bug" | "neutral";

// Checked first: a bug report outweighs whatever mood the same emoji might also carry.
const BUG: ReadonlySet<string> = new Set([
  "bug",
  "beetle",
  "ant",
  "spider",
  "lady_beetle",
  "ladybug",
  "cockroach",
  "wrench",
  "hammer_and_wrench",
  "rotating_light",
]);

const POSITIVE: ReadonlySet<string> = new Set([
  "+1",
  "thumbsup",
  "thumbs_up",
  "white_check_mark",
  "heavy_check_mark",
  "ballot_box_with_check",
  "heart",
  "sparkling_heart",
  "two_hearts",
  "heartpulse",
  "green_heart",
  "blue_heart",
  "purple_heart",
  "yellow_heart",
  "orange_heart",
  "white_heart",
  "tada",
  "confetti_ball",
  "partying_face",
  "raised_hands",
  "clap",
  "pray",
  "ok_hand",
  "muscle",
  "handshake",
  "star",
  "star2",
  "star-struck",
  "sparkles",
  "fire",
  "100",
  "rocket",
  "trophy",
  "medal",
  "sports_medal",
  "first_place_medal",
  "gem",
  "smile",
  "smiley",
  "grinning",
  "slightly_smiling_face",
  "blush",
  "heart_eyes",
  "sunglasses",
  "hugging_face",
  "sun_with_face",
]);

const NEGATIVE: ReadonlySet<string> = new Set([
  "-1",
  "thumbsdown",
  "thumbs_down",
  "x",
  "heavy_multiplication_x",
  "no_entry",
  "no_entry_sign",
  "disappointed",
  "confused",
  "thinking_face",
  "face_with_raised_eyebrow",
  "face_with_rolling_eyes",
  "rage",
  "angry",
  "cry",
  "sob",
  "worried",
  "frowning",
  "slightly_frowning_face",
  "white_frowning_face",
  "face_palm",
  "facepalm",
  "man-facepalming",
  "woman-facepalming",
  "unamused",
  "weary",
  "tired_face",
  "persevere",
  "broken_heart",
  "warning",
  "question",
  "grey_question",
  "exclamation",
  "poop",
  "hankey",
]);

/** Slack reports "+1::skin-tone-3"; the tone says nothing about the feedback. */
function baseName(name: string): string {
  return name
    .trim()
    .replace(/^:|:$/g, "")
    .replace(/(?:::skin-tone-[2-6])+$/, "")
    .toLowerCase();
}

/** Classifies a Slack reaction name ("+1::skin-tone-3", "bug", "sob") as feedback. */
export function classifyReaction(name: string): Sentiment {
  const base = baseName(name);
  if (BUG.has(base)) return "bug";
  if (POSITIVE.has(base)) return "positive";
  if (NEGATIVE.has(base)) return "negative";
  return "neutral";
}

/** The emoji Arthur reacts with to show it saw the feedback; fixed so the reply is predictable. */
export function acknowledgementFor(sentiment: Sentiment): string {
  switch (sentiment) {
    case "positive":
      return "raised_hands";
    case "negative":
      return "eyes";
    case "bug":
      return "memo";
    case "neutral":
      return "wave";
  }
}
