import type { AnyTool, Caller, ToolRegistry } from "../../catalog/index.ts";
import { type Entities, moodOf, type RankedTool, type ToolIndex } from "../retrieval/index.ts";
import { fillArguments, type ToolSchema } from "./arguments.ts";

/** One tool call the plan makes; `artist` asks for that artist's profile id to be looked up first. */
export interface PlannedCall {
  tool: string;
  args: Record<string, unknown>;
  artist: string | null;
  /** Its eid is the first upcoming event of the lookup_event call before it. */
  eventFromLookup?: boolean;
}

export type Plan =
  | { kind: "reply"; reason: "smalltalk" | "out_of_scope"; text: string }
  | { kind: "clarify"; tool: string; missing: string[]; question: string }
  | { kind: "deny"; tool: string; reason: string }
  | { kind: "run"; calls: PlannedCall[] };

export interface PlannerInput {
  text: string;
  /** Earlier turns, joined (for ranking) — their entities are in `contextEntities`. */
  contextText: string;
  entities: Entities;
  contextEntities: Entities | null;
  caller: Caller;
}

export interface PlannerOptions {
  /** Below this ranking score the question is not about anything Arthur can look up. */
  minScore: number;
  /** A second intent (another clause of the question) must score at least this. */
  minClauseScore: number;
  /** Runners-up within this share of the top score may replace it when only they can run. */
  feasibleRatio: number;
  /** A clause is already answered when a chosen tool scores this share of the clause's best. */
  coveredRatio: number;
  /** After finding an artist, a tool about artists this close to the top also runs. */
  artistStepRatio: number;
  /** After finding a city's next event, a tool about events this close to the top also runs. */
  eventStepRatio: number;
  /**
   * A best match the role may not use is refused only when it scores at least this, and the best
   * tool the role may use scores at most `denyShare` of it (or it is a write the message orders);
   * otherwise (a vague question that brushes a denied tool, or one an allowed tool answers as well)
   * the question is planned among the tools the role may use.
   */
  denyMinScore: number;
  denyShare: number;
}

export const DEFAULT_PLANNER_OPTIONS: PlannerOptions = {
  minScore: 2.5,
  minClauseScore: 6,
  feasibleRatio: 0.7,
  coveredRatio: 0.85,
  artistStepRatio: 0.65,
  eventStepRatio: 0.55,
  denyMinScore: 7,
  denyShare: 0.85,
};

/** Lookups that turn a name into the id other tools need: never an answer on their own to a denial. */
const RESOLVERS = new Set(["lookup_artist_profile", "lookup_event", "lookup_person"]);

const SMALLTALK =
  /^\s*(hi|hello|hey|yo|(good )?(morning|afternoon|evening|night)|thanks?( you)?|thx|ty|cheers|ok(ay)?|cool|great|nice|awesome|perfect|got it|bye|see you|lol|haha|noted|np|no worries|sounds good|makes sense|good to know|all good|will do|👍|🙏)/iu;

/**
 * Courtesy and filler words anywhere in a message ("lol ok good to know", "thx arthur ur a
 * lifesaver"): a message of nothing else is small talk.
 */
const COURTESY =
  /\b(hi|hello|hey|yo|(good )?(morning|afternoon|evening|night)|thanks?( you)?( so much)?|thx|ty|tysm|cheers|ok(ay)?|cool|great|nice|awesome|amazing|perfect|brilliant|legend|lifesaver|star|champ|the best|you rock|got it|bye|see you|lol|haha|noted|np|no worries|sounds good|makes sense|good to know|all good|will do|arthur|you|u|ur|you're|youre|are|a|an|the|so|very|really|much|again|for|that|this|it|all|as|always|buddy|mate)\b|👍|🙏|🙌|❤️?/giu;

/**
 * Requests no tool serves, whatever words they share with the catalogue: writing, translating,
 * general knowledge, weather, advice. Arthur says what it can do instead.
 */
const OUT_OF_SCOPE =
  /\b(poem|haiku|limerick|song|joke|story|essay|caption|tagline|slogan|tweet|cover letter|translate|translation|weather|forecast|recipe|capital of|pivot table|google sheets|excel|spreadsheet formula|recommend (a|an|some)|what('s| is) the meaning of|who won the|tax rate|income tax|stock price|write (me )?(a|an|some) (fun |short |quick )?(poem|post|caption|email|message|bio for me))\b/i;

/** Questions about Arthur itself: answered with what it can do. */
const ABOUT_ARTHUR =
  /\b(who are you|what can you (do|help)|what do you do|how (do|can) i use you|what are you)\b/i;

const HELP_TEXT =
  "I'm Arthur, Art Battle's operations assistant. Ask me about events (AB4023), artists, votes and auctions, " +
  "payments owed, ticket sales and pace charts, SMS and email delivery, or what the team said in Slack.";

/** Clauses shorter than this (in words) that name nothing carry no request of their own. */
const SHORT_CLAUSE_WORDS = 5;

/** Where one clause of a multi-part question ends and the next begins. */
const CLAUSE_BREAK =
  /\s*(?:,?\s+and\s+(?:then\s+|also\s+)?|;\s*|,\s*(?:also|plus|then)\s+|\s+also\s+|\s+plus\s+|\s+then\s+|\s+[+&]\s+)/i;

const CLARIFY: Record<string, string> = {
  eid: "Which event do you mean? Give me its event id, like AB4023.",
  artist_profile_id: "Which artist do you mean? Give me their name as it appears on their profile.",
  query: "Who or what should I look up? An email, phone number or full name works.",
  new_name: "What should the new name be?",
  new_bio: "What should the new bio say? Send me the text.",
  new_country: "Which country should it be (a two-letter code like CA or US)?",
  message_from_producer: "What message should go with the invitation?",
  amount: "How much should be paid, and in which currency?",
  currency: "In which currency?",
  phone: "Which phone number?",
  slack_channel_id: "Which Slack channel should it post in? Give me the channel id (like C0123456789).",
  action: "Should I pause, resume, run now or cancel it?",
  comparator_eids: "Which past events should the chart compare with (event ids)?",
  content_md: "What should the notes say?",
  scope_id: "Which channel or tool are the notes for?",
  title: "What is the problem? A one-line summary is enough.",
  description: "What happened, and what did you expect?",
};

function clarification(tool: AnyTool, missing: string[]): string {
  const first = missing[0] ?? "";
  return CLARIFY[first] ?? `To use ${tool.title.toLowerCase()} I need ${missing.join(" and ")}.`;
}

/**
 * The offline planner: a deterministic plan from tool retrieval and the entities a question names.
 * It picks the best tool for the question (and one per further clause of a multi-part question),
 * refuses when the caller's role may not use it, asks when a required detail is missing, and
 * otherwise fills the arguments from what the question states.
 */
export class OfflinePlanner {
  readonly #registry: ToolRegistry;
  readonly #index: ToolIndex;
  readonly #options: PlannerOptions;
  readonly #toolNames: string[];

  constructor(registry: ToolRegistry, index: ToolIndex, options: Partial<PlannerOptions> = {}) {
    this.#registry = registry;
    this.#index = index;
    this.#options = { ...DEFAULT_PLANNER_OPTIONS, ...options };
    this.#toolNames = registry.list().map((t) => t.name);
  }

  plan(input: PlannerInput, ranking: RankedTool[]): Plan {
    const { text, entities } = input;
    const top = ranking[0];
    const mentionsSomething =
      entities.eids.length + entities.emails.length + entities.phones.length + entities.artists.length > 0;
    // Only small talk: nothing left once the greeting or thanks (and Arthur's name) is taken away.
    const rest = text
      .replace(COURTESY, "")
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
    const left = rest.split(/\s+/).filter(Boolean);
    // "thanks Arthur, that's exactly what I needed": thanks and a few words, asking nothing.
    const smalltalk =
      SMALLTALK.test(text) &&
      (left.length <= 1 || (left.length <= 5 && !text.includes("?"))) &&
      (left.length === 0 || moodOf(rest) === null);
    if (!mentionsSomething && (smalltalk || ABOUT_ARTHUR.test(text))) {
      return { kind: "reply", reason: "smalltalk", text: HELP_TEXT };
    }
    if (!top || top.score < this.#options.minScore || (OUT_OF_SCOPE.test(text) && !mentionsSomething)) {
      return {
        kind: "reply",
        reason: "out_of_scope",
        text: `That is outside what I can help with. ${HELP_TEXT}`,
      };
    }

    const fill = (tool: AnyTool) => this.#fill(tool, input);
    // The best tool the question can actually drive: a close runner-up whose required arguments the
    // question gives beats a top tool that would need details nobody mentioned.
    // A request whose best match the role may not use is refused, not quietly answered by another tool.
    const topTool = this.#registry.require(top.name);
    if (!this.#allowed(topTool, input.caller)) {
      // The best tool the role may use, not counting the lookups that only resolve names to ids.
      const allowedBest =
        ranking.find(
          (r) => !RESOLVERS.has(r.name) && this.#allowed(this.#registry.require(r.name), input.caller),
        )?.score ?? 0;
      const plain =
        allowedBest <= top.score * this.#options.denyShare ||
        (topTool.policy.writes && moodOf(text) === "write");
      if (top.score >= this.#options.denyMinScore && plain) {
        return {
          kind: "deny",
          tool: topTool.name,
          reason: `${topTool.title} (${topTool.name}) is not available to the ${input.caller.role} role; it is for: ${topTool.policy.roles.join(", ")}.`,
        };
      }
      // Too weak a match to refuse over: plan among the tools the role may use.
      const allowed = ranking.filter((r) => this.#allowed(this.#registry.require(r.name), input.caller));
      return this.plan(input, allowed);
    }
    // An action (a write) the question cannot fully specify is asked about, never swapped for a read —
    // unless the message asks rather than tells ("eb token still good?"): then a read may answer it.
    const asks = moodOf(text) === "read" || text.includes("?");
    const close = ranking.filter(
      (r) =>
        r.score >= top.score * this.#options.feasibleRatio &&
        (!topTool.policy.writes || asks || this.#registry.require(r.name).policy.writes),
    );
    const drivable = close.filter((r) => {
      const tool = this.#registry.require(r.name);
      return this.#allowed(tool, input.caller) && fill(tool).missing.length === 0;
    });
    // An address or number the question gives is what it is about: a close tool that takes it
    // ("everything we sent to jordan@…" → the e-mail log by recipient) beats one that ignores it.
    const stated = [
      ...entities.emails.map((e) => e.toLowerCase()),
      ...entities.phones.map((p) => p.raw.toLowerCase()),
    ];
    // Likewise a time window ("in the last 6 hours"): a close tool that can look back that far.
    const takesStated = (r: RankedTool) => {
      const args = fill(this.#registry.require(r.name)).args;
      return (
        Object.values(args).some((v) => typeof v === "string" && stated.includes(v.toLowerCase())) ||
        (entities.hoursBack !== null && args.hours_back !== undefined)
      );
    };
    const statesSomething = stated.length > 0 || entities.hoursBack !== null;
    const feasible = (statesSomething ? drivable.find(takesStated) : undefined) ?? drivable[0];
    const primary = this.#registry.require(feasible?.name ?? top.name);
    const primaryArgs = fill(primary);
    // "…for the Chicago event": the city's next event is found first, then asked about.
    const lookup = this.#registry.get("lookup_event");
    if (
      primaryArgs.missing.length === 1 &&
      primaryArgs.missing[0] === "eid" &&
      entities.cities.length > 0 &&
      primary.name !== "lookup_event" &&
      lookup &&
      this.#allowed(lookup, input.caller)
    ) {
      return {
        kind: "run",
        calls: [
          { tool: lookup.name, args: { city: entities.cities[0] }, artist: null },
          { tool: primary.name, args: primaryArgs.args, artist: primaryArgs.artist, eventFromLookup: true },
        ],
      };
    }
    if (primaryArgs.missing.length) {
      return {
        kind: "clarify",
        tool: primary.name,
        missing: primaryArgs.missing,
        question: clarification(primary, primaryArgs.missing),
      };
    }
    const calls: PlannedCall[] = [{ tool: primary.name, args: primaryArgs.args, artist: primaryArgs.artist }];

    // "How did Priya Raman's paintings do at AB4120?": finding the artist is only the first step when
    // a tool about that artist also fits the question well.
    // ("Who is Grayce Bashirian?" asks for the profile only.)
    if (
      primary.name === "lookup_artist_profile" &&
      entities.artists.length &&
      !/^\s*who(?:'s| is)\b/i.test(text)
    ) {
      const tool = this.#nextStep(ranking, {
        after: primary.name,
        minScore: top.score * this.#options.artistStepRatio,
        taking: "artist_profile_id",
        caller: input.caller,
      });
      if (tool) {
        const filled = fill(tool);
        const artist = entities.artists[0]?.name ?? null;
        if (!filled.missing.length) calls.push({ tool: tool.name, args: filled.args, artist });
      }
    }

    // "Why isn't the Halifax show visible?": the city's next event is only the first step when a tool
    // about one event also fits the question well.
    if (primary.name === "lookup_event" && entities.cities.length && !entities.eids.length) {
      const tool = this.#nextStep(ranking, {
        after: primary.name,
        minScore: top.score * this.#options.eventStepRatio,
        taking: "eid",
        caller: input.caller,
      });
      if (tool) {
        const filled = fill(tool);
        if (filled.missing.length === 1 && filled.missing[0] === "eid") {
          calls.push({ tool: tool.name, args: filled.args, artist: null, eventFromLookup: true });
        }
      }
    }

    // Further requests in other clauses ("…, and how are ticket sales?"): a tool that clearly owns a
    // clause the first tool does not cover, which the caller may use and the question can drive.
    // Quoted text is content (a bio, a note), not a request; a clause with no request in it
    // ("Last 6 hours", "the cache looks old to me") only qualifies the one before.
    const unquoted = text.replace(/(?<=^|[\s:(])["'“‘][^"'”’]{3,}["'”’]/g, " ");
    const clauses = unquoted
      .split(/(?<=[.?!])\s+/)
      .filter((sentence, i) => i === 0 || moodOf(sentence) !== null || /\?\s*$/.test(sentence))
      .flatMap((sentence) => sentence.split(CLAUSE_BREAK))
      .filter((c) => c.trim().split(/\s+/).length >= 2);
    // A short question that names nothing ("what's going on?", "has anyone said yes?") follows on
    // from the request before it; it is not a request of its own.
    // A short imperative ("then chart the pace", "show me the log") is a request all the same.
    const ownRequest = (clause: string) =>
      clause.trim().split(/\s+/).length >= SHORT_CLAUSE_WORDS ||
      moodOf(clause) === "write" ||
      /^\s*(?:then\s+)?(?:show|list|chart|graph|plot|check|pull|give|display)\b/i.test(clause) ||
      /\b(?:ab\s?\d{3,5}|[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d\s().-]{6,})\b/i.test(clause);
    if (clauses.length > 1) {
      for (const [i, clause] of clauses.entries()) {
        const ranked = this.#index.rank(clause, entities, { limit: 8 });
        const best = ranked[0];
        if (!best || best.score < this.#options.minClauseScore) continue;
        // ("how r tix" is short, but plainly about one tool.)
        if (i > 0 && !ownRequest(clause) && best.score < 2 * this.#options.minClauseScore) continue;
        if (calls.some((c) => c.tool === best.name)) continue;
        const covered = ranked.find((r) => calls.some((c) => c.tool === r.name));
        if (covered && covered.score >= best.score * this.#options.coveredRatio) continue;
        const tool = this.#registry.require(best.name);
        if (!this.#allowed(tool, input.caller)) continue;
        const filled = fill(tool);
        // "When is the next show in Portland, and is its Eventbrite link right?": the event comes
        // from the city lookup the first call makes.
        const fromLookup =
          filled.missing.length === 1 && filled.missing[0] === "eid" && calls[0]?.tool === "lookup_event";
        if (filled.missing.length && !fromLookup) continue;
        calls.push({
          tool: tool.name,
          args: filled.args,
          artist: filled.artist,
          ...(fromLookup ? { eventFromLookup: true } : {}),
        });
      }
    }
    // "Was Dandre Simonis scanned in at AB4120?": a named person (not an artist) is looked up too,
    // when finding them fits the question.
    const person = entities.people[0];
    const findPerson = ranking.find((r) => r.name === "lookup_person");
    const lookupPerson = this.#registry.get("lookup_person");
    if (
      person &&
      lookupPerson &&
      findPerson &&
      findPerson.score >= top.score * this.#options.artistStepRatio &&
      this.#allowed(lookupPerson, input.caller) &&
      !calls.some((c) => c.tool === "lookup_person")
    ) {
      calls.unshift({ tool: "lookup_person", args: { query: person.name, search_by: "name" }, artist: null });
    }
    // An artist named by name is resolved to a profile id first (once, shared by the calls).
    const artist = calls.find((c) => c.artist)?.artist;
    if (artist && !calls.some((c) => c.tool === "lookup_artist_profile")) {
      calls.unshift({
        tool: "lookup_artist_profile",
        args: { query: artist, search_by: "name" },
        artist: null,
      });
    }
    return { kind: "run", calls };
  }

  /**
   * The best-ranked read tool, other than `after`, that scores at least `minScore`, takes the id the
   * lookup found (`taking`) and the caller may use: the question's real subject after that lookup.
   */
  #nextStep(
    ranking: RankedTool[],
    step: { after: string; minScore: number; taking: string; caller: Caller },
  ): AnyTool | undefined {
    for (const r of ranking) {
      if (r.name === step.after || r.score < step.minScore) continue;
      const tool = this.#registry.require(r.name);
      if (!this.#allowed(tool, step.caller) || tool.policy.writes) continue;
      if (step.taking in (this.#schema(tool).properties ?? {})) return tool;
    }
    return undefined;
  }

  #allowed(tool: AnyTool, caller: Caller): boolean {
    return tool.policy.enabled && tool.policy.roles.includes(caller.role);
  }

  #schema(tool: AnyTool): Partial<ToolSchema> {
    return this.#registry.inputSchema(tool) as unknown as Partial<ToolSchema>;
  }

  #fill(tool: AnyTool, input: PlannerInput) {
    const schema = this.#schema(tool);
    return fillArguments(
      tool,
      { properties: schema.properties ?? {}, required: schema.required ?? [] },
      {
        text: input.text,
        entities: input.entities,
        contextEntities: input.contextEntities,
        contextText: input.contextText,
        caller: input.caller,
        toolNames: this.#toolNames,
      },
    );
  }
}
