import type { AnyTool, Caller } from "../../catalog/index.ts";
import type { Entities } from "../retrieval/index.ts";

/** The JSON Schema of one argument, as the registry derives it from the tool's zod input. */
export interface ArgumentSchema {
  type?: string;
  enum?: string[];
}

export interface ToolSchema {
  properties: Record<string, ArgumentSchema>;
  required: string[];
}

/** What the planner knows when it fills a tool's arguments. */
export interface FillContext {
  /** The question, as typed. */
  text: string;
  entities: Entities;
  /** Entities of the earlier turns: a follow-up ("pause it") names its event there. */
  contextEntities: Entities | null;
  /** The earlier turns, joined. */
  contextText?: string;
  caller: Caller;
  /** All tool names, to recognise one mentioned in the question. */
  toolNames: readonly string[];
}

export interface FilledArguments {
  args: Record<string, unknown>;
  /** Required arguments the question does not give (the planner asks for them). */
  missing: string[];
  /** An artist the call is about, whose profile id must be looked up first. */
  artist: string | null;
}

const lower = (s: string) => s.toLowerCase();

/** Synonyms for enum values that people rarely type literally. */
const ENUM_SYNONYMS: Record<string, Record<string, RegExp>> = {
  action: {
    pause: /\b(pause|hold off|stop for now|suspend)\b/i,
    resume: /\b(resume|restart|unpause|start again|turn (it )?back on|re-?enable)\b/i,
    run_now:
      /\b(run (it )?now|post (it )?now|right now|immediately|send (it )?now|don'?t wait)\b|\bpost\b.*\bnow\b/i,
    cancel: /\b(cancel|stop (it|the|posting)|delete|remove|kill|scrap|for good|turn (it )?off)\b/i,
  },
  cadence: {
    daily: /\b(daily|every day|each day)\b/i,
    weekly: /\b(weekly|every week|once a week)\b/i,
    every_2_days: /\b(every (2|two|other|couple of) days?|every other day|every_2_days)\b/i,
    auto: /\b(auto(matic)?( cadence)?|default cadence)\b/i,
  },
  audience_filter: {
    bidders: /\bbidders?\b/i,
    event_attendees: /\b(attendees?|attended|came|showed up|turned up|scanned|guests)\b/i,
    all_with_phone:
      /\b(everyone|all (of )?(them|people|contacts)|anyone with a phone|all with (a )?phone|with a phone number|on file|at all)\b/i,
  },
  group_by: {
    artist:
      /\b(by|per|each) artist\b|\b(top|best|highest)[- ]?(selling|earning|grossing) artists?\b|\bartist breakdown\b/i,
    round: /\b(by|per|each) round\b|\bround breakdown\b/i,
  },
  priority: {
    critical: /\b(critical|urgent|asap|p0|sev ?1)\b/i,
    high: /\b(high priority|important|p1)\b/i,
    low: /\b(low priority|minor|whenever|p3)\b/i,
  },
};

/**
 * Setting comparators, with the event only in the thread and only other ids in this message: the
 * thread's event is the one charted; the ids here are what to compare it with.
 */
function eventFromThread(tool: AnyTool, entities: Entities, ctx: FillContext): boolean {
  const threadEid = ctx.contextEntities?.eids[0];
  return (
    tool.name === "set_chart_comparators" &&
    threadEid !== undefined &&
    entities.eids.length > 0 &&
    !entities.eids.includes(threadEid)
  );
}

/** The enum value the text names: a synonym, else the value itself as words ("in progress"). */
function enumFromText(name: string, values: readonly string[], text: string): string | undefined {
  const synonyms = ENUM_SYNONYMS[name] ?? {};
  for (const value of values) {
    const pattern = synonyms[value];
    if (pattern?.test(text)) return value;
  }
  const t = lower(text).replaceAll("-", " ");
  for (const value of values) {
    const words = value.replaceAll("_", " ");
    if (new RegExp(`\\b${words}\\b`, "i").test(t) || new RegExp(`\\b${value}\\b`, "i").test(t)) return value;
  }
  return undefined;
}

/**
 * The new text a write is given: quoted, after "tell him/saying …", after a colon ("Remember for
 * this channel: …"), or after the last "to" ("change her bio to …").
 */
function newValue(text: string, entities: Entities): string | undefined {
  if (entities.quoted[0]) return entities.quoted[0];
  const trimmed = text.trim();
  const said =
    /\b(?:tell (?:him|her|them)(?: that)?|saying|with the message|message)\s*[:\-–]?\s*(.{3,})$/i.exec(
      trimmed,
    );
  const colon = /:\s*(.{3,})$/.exec(trimmed);
  const to = /.*\bto\s*[:\-–]?\s*(.{2,})$/i.exec(trimmed);
  const value = said?.[1] ?? colon?.[1] ?? to?.[1];
  return value?.replace(/[.?!]+$/, "").trim() || undefined;
}

/** A two-letter country code the text sets ("… to GB"), else the generic new value. */
/** Nationalities and country names people write instead of ISO codes ("she's Canadian"). */
const COUNTRY_WORDS: Record<string, RegExp> = {
  CA: /\b(canadian|canada)\b/i,
  US: /\b(american|usa|united states)\b/i,
  GB: /\b(british|english|scottish|welsh|uk|united kingdom|england|scotland|wales)\b/i,
  AU: /\b(australian|australia)\b/i,
  NZ: /\b(new zealander|kiwi|new zealand)\b/i,
  MX: /\b(mexican|mexico)\b/i,
  FR: /\b(french|france)\b/i,
  DE: /\b(german|germany)\b/i,
  NL: /\b(dutch|netherlands|holland)\b/i,
  TH: /\b(thai|thailand)\b/i,
};

function countryValue(text: string, entities: Entities): string | undefined {
  const codes = [...text.matchAll(/\bto\s+([A-Z]{2})\b/g)];
  if (codes.length) return codes.at(-1)?.[1];
  // "down as American but she's Canadian": the country named last is the new one.
  const named = Object.entries(COUNTRY_WORDS)
    .flatMap(([code, pattern]) => {
      const at = text.search(new RegExp(pattern.source, "gi"));
      const last = [...text.matchAll(new RegExp(pattern.source, "gi"))].at(-1)?.index ?? at;
      return at >= 0 ? [{ code, at: last }] : [];
    })
    .sort((a, b) => b.at - a.at);
  return named[0]?.code ?? newValue(text, entities);
}

/** Words people use for record statuses, for status arguments that are free text. */
const STATUS_WORDS =
  /\b(pending|approved|rejected|paid|processing|failed|completed|cancelled|open|resolved|closed|draft|active|paused)\b/i;

/** The phrase after a marker such as "bug:" or "about", for free-text arguments. */
function after(text: string, marker: RegExp): string | undefined {
  const match = marker.exec(text);
  return match ? text.slice(match.index + match[0].length).trim() || undefined : undefined;
}

/** Does the question point back at the artist of the earlier turns ("her", "Marco")? */
function refersToEarlierArtist(text: string, artist: string): boolean {
  const first = artist.split(/\s+/)[0] ?? "";
  return (
    /\b(she|her|hers|he|him|his|they|them|their|the artist)\b/i.test(text) ||
    (first.length > 2 && new RegExp(`\\b${first}\\b`, "i").test(text))
  );
}

/** A tool named in the question, or — for "that tool" — in the earlier turns. */
function toolNamed(text: string, ctx: FillContext): string | undefined {
  const here = ctx.toolNames.find((n) => text.includes(n));
  if (here || !/\b(that|this|the same) tool\b/i.test(text)) return here;
  return ctx.contextText ? ctx.toolNames.find((n) => ctx.contextText?.includes(n)) : undefined;
}

/** The text, unless it is only the request itself ("File a bug report.") with nothing to report. */
function substance(text: string): string | undefined {
  const rest = text
    .replace(
      /\b(please|can you|could you|file|create|open|log|raise|make|submit|report|reports|a|an|the|new|bug|issue|ticket|for me)\b/gi,
      " ",
    )
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
  return rest.split(/\s+/).filter(Boolean).length >= 3 ? text.trim() : undefined;
}

/** A phone number typed as bare digits ("2065550147"), when the text talks about a phone. */
function bareNumber(text: string): string | undefined {
  if (!/\b(phone|number|cell|mobile|texted|sms)\b/i.test(text)) return undefined;
  return /(?<![\d-])(\+?\d{10,11})(?![\d-])/.exec(text)?.[1];
}

/** A capitalised full name in the text ("Jordan Lee"), when no known person matched. */
function capitalisedName(text: string): string | undefined {
  const match = /\b([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2})\b/.exec(text.replace(/^\s*\S+/, " "));
  // "Florine Towne's contact info": the name, not its possessive.
  return match?.[1]?.replace(/['’]s$/, "");
}

/** The search text of a Slack-knowledge question: the question without the request framing. */
function searchText(text: string): string {
  return (
    text
      .replace(/^(hey|hi|ok|so)[,!]?\s+/i, "")
      .replace(
        /\b(can you |could you |please )?(search|look|check|find)( in| through)?( the)? (slack|archive|history|messages)( for)?\b/gi,
        "",
      )
      .replace(
        /\b(what did|what has|did) (the team|we|anyone|people|someone) (say|decide|discuss|mention)( in slack)?( about)?\b/gi,
        "",
      )
      .replace(/\bin slack\b/gi, "")
      .replace(/[?]+$/, "")
      .trim() || text.trim()
  );
}

/**
 * Fill a tool's arguments from what the question states. Never invents values: an argument the
 * question does not give is left out (the tool's default applies) or, if required, reported missing.
 */
export function fillArguments(tool: AnyTool, schema: ToolSchema, ctx: FillContext): FilledArguments {
  const { text, entities } = ctx;
  const args: Record<string, unknown> = {};
  const missing: string[] = [];
  let artist: string | null = null;
  // A city named now ("the same for the Chicago event") is a different event from the thread's.
  const eids = entities.eids.length
    ? entities.eids
    : entities.cities.length
      ? []
      : (ctx.contextEntities?.eids ?? []);

  for (const [name, prop] of Object.entries(schema.properties)) {
    let value: unknown;
    switch (name) {
      case "eid":
      case "related_eid":
        value = eventFromThread(tool, entities, ctx) ? ctx.contextEntities?.eids[0] : eids[0];
        break;
      case "comparator_eids": {
        // "lock it to just AB4097" after talking about AB4125: the event is the thread's, and every
        // id in this message is a comparator.
        const others = eventFromThread(tool, entities, ctx) ? entities.eids : entities.eids.slice(1);
        if (others.length) value = others;
        // "back to automatic": an empty choice returns the event to scored comparators.
        else if (
          tool.name === "set_chart_comparators" &&
          /\b(automatic|auto|reset|clear|default)\b/i.test(text)
        )
          value = [];
        break;
      }
      case "city":
        value = entities.cities[0];
        break;
      case "hours_back":
        value = entities.hoursBack ?? undefined;
        break;
      case "round":
        value = entities.round ?? undefined;
        break;
      case "target_version": {
        const m = /\bversion\s*(\d+)|\bv(\d+)\b/i.exec(text);
        if (m) value = Number(m[1] ?? m[2]);
        break;
      }
      case "limit": {
        // "the last 6 hours" is a time window, not six rows.
        const m =
          /\b(?:top|last|latest|first|(?:show|list)(?: me)?)\s+(\d{1,3})\b(?!\s*(?:h|hrs?|hours?|mins?|minutes?|days?|weeks?|months?)\b)/i.exec(
            text,
          );
        if (m) value = Number(m[1]);
        break;
      }
      case "query":
        value = queryFor(tool.name, ctx);
        break;
      case "search_by":
        value = searchByFor(tool.name, ctx);
        break;
      case "artist_profile_id":
        if (entities.artists[0]) artist = entities.artists[0].name;
        else if (
          ctx.contextEntities?.artists[0] &&
          refersToEarlierArtist(text, ctx.contextEntities.artists[0].name)
        ) {
          artist = ctx.contextEntities.artists[0].name;
        } else if (schema.required.includes(name)) {
          // "her", "Marco": the artist of the earlier turns, else a full name typed here.
          artist = ctx.contextEntities?.artists[0]?.name ?? capitalisedName(text) ?? null;
        }
        break;
      case "new_country":
        value = countryValue(text, entities);
        break;
      case "new_name":
      case "new_bio":
      case "content_md":
      case "message_from_producer":
        value = newValue(text, entities);
        break;
      case "art_id":
        value = entities.artCodes?.[0] ?? ctx.contextEntities?.artCodes?.[0];
        break;
      case "status":
        value = prop.enum ? enumFromText(name, prop.enum, text) : STATUS_WORDS.exec(text)?.[1]?.toLowerCase();
        break;
      case "amount": {
        const m =
          /(?:[$€£]\s?(\d[\d,]*(?:\.\d{1,2})?))|(\d[\d,]*(?:\.\d{1,2})?)\s?(?:[A-Z]{3}\b|dollars|bucks)|\b[A-Z]{3}\s?(\d[\d,]*(?:\.\d{1,2})?)\b/.exec(
            text,
          );
        const raw = m?.[1] ?? m?.[2] ?? m?.[3];
        if (raw) value = Number(raw.replaceAll(",", ""));
        break;
      }
      case "currency":
        value = entities.currencies[0];
        break;
      case "base_currency":
      case "target_currency": {
        // "how many GBP is 1 AUD" / "GBP per AUD": the base is named second.
        const reversed = /\bhow many\b|\bper\b/i.test(text);
        const [first, second] = entities.currencies;
        // One currency asked for ("…in USD", "converted to euros"): it is what to convert into.
        const into =
          !second &&
          first !== undefined &&
          new RegExp(
            `\\b(in|to|into)\\s+(${first}|(us |canadian |australian )?dollars|euros?|pounds?)\\b`,
            "i",
          ).test(text);
        const base = into ? undefined : reversed && second ? second : first;
        const target = into ? first : reversed && second ? first : second;
        value = name === "base_currency" ? base : target;
        break;
      }
      case "phone":
        value = entities.phones[0]?.e164 ?? entities.phones[0]?.raw ?? bareNumber(text);
        break;
      case "recipient":
        value = entities.emails[0] ?? /(^|\s)(@[\w-]+(?:\.[\w-]+)+)/.exec(text)?.[2];
        break;
      case "slack_channel_id":
        value = entities.channelIds[0] ?? ctx.contextEntities?.channelIds[0];
        break;
      case "user_id":
        value = entities.userIds[0];
        break;
      case "tool_name":
        value = toolNamed(text, ctx);
        break;
      case "table_name": {
        const m =
          /^\s*(?:and|what about|how about)?\s*(?:for|on)\s+(?:the\s+)?`?([a-z_][a-z0-9_]{2,})`?\s*\??\s*$/i.exec(
            text,
          ) ??
          /\b(?:the\s+)?`?([a-z_][a-z0-9_]{2,})`?\s+table\b/i.exec(text) ??
          /\btable\s+`?([a-z_][a-z0-9_]{2,})`?/i.exec(text);
        value = m?.[1] && !/^(the|this|that|for|on|any)$/i.test(m[1]) ? m[1] : undefined;
        break;
      }
      case "title":
        value = (after(text, /\b(bug|issue|problem)\s*[:\-–]\s*/i) ?? substance(text))?.slice(0, 200);
        break;
      case "description":
        value = substance(text)?.slice(0, 4000);
        break;
      case "force":
        if (/\b(force|even if|anyway|regardless)\b/i.test(text)) value = true;
        break;
      case "force_rescore":
        if (/\b(re-?score|recalculate|recompute|fresh scores?)\b/i.test(text)) value = true;
        break;
      case "include_comparators":
        if (
          /\b(without|no) (comparators?|other (shows|events))\b|\bon its own\b|\b(by )?itself\b|\balone\b|\bjust (this|that) (one|show|event)\b/i.test(
            text,
          )
        )
          value = false;
        else if (/\b(compar|against|vs\.?|versus|past events?|previous (shows|events))/i.test(text))
          value = true;
        break;
      case "scope_type":
        value = toolNamed(text, ctx) || /\btool'?s? (memory|notes)\b/i.test(text) ? "tool" : "channel";
        break;
      case "scope_id": {
        value = toolNamed(text, ctx) ?? entities.channelIds[0] ?? ctx.caller.channelId ?? undefined;
        break;
      }
      case "channel": {
        const m = /#([a-z0-9][a-z0-9_-]{1,79})/i.exec(text);
        value = m?.[1];
        break;
      }
      case "user": {
        // "what did Priya say", "what Sam said", "posts by Maria"
        const m =
          /\b(?:did|has|had)\s+([A-Z][a-z]+)\s+(?:say|said|post|posted|mention|write|wrote)\b/.exec(text) ??
          /\bwhat\s+([A-Z][a-z]+)\s+(?:said|posted|wrote|mentioned)\b/.exec(text) ??
          /\b(?:by|from)\s+@?([A-Z][a-z]+)\b/.exec(text);
        value = m?.[1];
        break;
      }
      default:
        if (prop.enum) value = enumFromText(name, prop.enum, text);
    }
    if (value !== undefined && value !== null && value !== "") args[name] = value;
    else if (schema.required.includes(name) && !(name === "artist_profile_id" && artist)) missing.push(name);
  }
  return { args, missing, artist };
}

function queryFor(toolName: string, ctx: FillContext): string | undefined {
  const { entities, text } = ctx;
  switch (toolName) {
    case "lookup_person":
    case "find_duplicate_profiles":
      return (
        entities.emails[0] ??
        entities.phones[0]?.raw ??
        bareNumber(text) ??
        entities.people[0]?.name ??
        entities.artists[0]?.name ??
        entities.quoted[0] ??
        capitalisedName(text)
      );
    case "lookup_artist_profile":
      return entities.artists[0]?.name ?? entities.quoted[0] ?? capitalisedName(text);
    case "search_slack_knowledge":
      return searchText(text).slice(0, 2000);
    default:
      return entities.quoted[0];
  }
}

function searchByFor(toolName: string, ctx: FillContext): string | undefined {
  if (
    toolName !== "lookup_person" &&
    toolName !== "find_duplicate_profiles" &&
    toolName !== "lookup_artist_profile"
  ) {
    return undefined;
  }
  const { entities } = ctx;
  if (toolName === "lookup_artist_profile")
    return entities.artists[0] || entities.quoted[0] ? "name" : undefined;
  if (entities.emails[0]) return "email";
  if (entities.phones[0] || bareNumber(ctx.text)) return "phone";
  if (entities.people[0] || entities.artists[0] || capitalisedName(ctx.text)) return "name";
  return undefined;
}
