import { fold } from "./text.ts";

/** Words that say nothing about which tool is wanted. */
const STOP_WORDS = new Set(
  (
    "a about above after again all also am an and any anyone anything are as at be been being both but by " +
    "can could did do does doing each either else every for from get gets getting give got had has " +
    "have having he hello her here hers hey hi him his how i if im in into is it its itd just kind know let " +
    "lets like many me might mine more most much must my need needs no not now of off ok okay on one only " +
    "or other our ours pls please plz quick quickly really she should so some someone something sure tell " +
    "than thank thanks that thats the their them then there these they thing this those thx to too ty us " +
    "very via want wanna was we were what whats which will with would yes yet you youre your yours"
  ).split(" "),
);

// "show" is a verb to drop in "show me the bids" but means an event in "the Toronto show".
const SHOW_AS_VERB_BEFORE = new Set(["me", "us", "the", "a", "all", "every", "my", "our", "them", "list"]);

/** Forms the suffix rules would get wrong, mapped to the stem of their base word. */
const IRREGULAR: Readonly<Record<string, string>> = {
  paid: "pay",
  payment: "pay",
  payments: "pay",
  sold: "sell",
  sale: "sell",
  sales: "sell",
  selling: "sell",
  seller: "sell",
  sellers: "sell",
  bought: "buy",
  sent: "send",
  owed: "owe",
  owes: "owe",
  owing: "owe",
  won: "win",
  winning: "win",
  winner: "win",
  winners: "win",
  ran: "run",
  said: "say",
  says: "say",
  went: "go",
  tix: "ticket",
  daily: "day",
  emails: "email",
  emailed: "email",
  cant: "cannot",
  couldnt: "cannot",
  isnt: "not",
  arent: "not",
  doesnt: "not",
  didnt: "not",
  dont: "not",
  wont: "not",
  wasnt: "not",
  werent: "not",
  hasnt: "not",
  havent: "not",
  hadnt: "not",
  weights: "weight",
  weighted: "weight",
  weighting: "weight",
  status: "status",
  bonus: "bonus",
  news: "news",
  analysis: "analysis",
};

function undouble(word: string): string {
  const n = word.length;
  if (n >= 4 && word[n - 1] === word[n - 2] && !"lsz".includes(word[n - 1] as string))
    return word.slice(0, -1);
  return word;
}

/**
 * A light suffix stemmer (not Porter): plurals, -ing, -ed, -ation, -ment, -er, -ly and a final -e,
 * enough that "bidders", "bidding" and "bid" or "invitation", "invited" and "invite" meet. Index and
 * query use the same function, so stems need only be consistent, not real words.
 */
export function stem(word: string): string {
  const irregular = IRREGULAR[word];
  if (irregular) return irregular;
  if (word.length <= 3) return word;
  let w = word;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length - 3 >= 3) w = undouble(w.slice(0, -3));
  else if (w.endsWith("ed") && w.length - 2 >= 3) w = undouble(w.slice(0, -2));
  if (w.endsWith("ation") && w.length - 5 >= 3) w = w.slice(0, -5);
  else if (w.endsWith("ment") && w.length - 4 >= 3) w = w.slice(0, -4);
  else if (w.endsWith("er") && w.length - 2 >= 4) w = undouble(w.slice(0, -2));
  else if (w.endsWith("ly") && w.length - 2 >= 4) w = w.slice(0, -2);
  if (w.endsWith("e") && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** One kept word: as typed (folded) and its stem. */
export interface Token {
  surface: string;
  stem: string;
}

/** Whether a folded word is dropped before ranking. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

function clean(text: string): string {
  return text
    .replace(/<[@#!][^>]*>/g, " ") // Slack mentions and channel links
    .replace(/\S+@\S+\.\S+/g, " ") // e-mail addresses
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\be-(?=[a-z])/gi, "e") // e-mail, e-transfer
    .replace(/n['’]t\b/gi, "nt");
}

/**
 * The words of a text that can point at a tool, in order: folded, stop words, ids, numbers and
 * one-letter words dropped, each with its stem. Tool names split on "_".
 */
export function tokenize(text: string): Token[] {
  const raw = fold(clean(text))
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !/\d/.test(w));
  const out: Token[] = [];
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i] as string;
    if (STOP_WORDS.has(w)) continue;
    if (w === "show" && (i === 0 || SHOW_AS_VERB_BEFORE.has(raw[i + 1] ?? ""))) continue;
    const s = stem(w);
    if (s === "not") continue;
    out.push({ surface: w, stem: s });
  }
  return out;
}
