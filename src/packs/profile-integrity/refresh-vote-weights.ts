import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import { eventByEid } from "../data-read/shared.ts";

export interface RefreshVoteWeightsResult {
  eid: string;
  event: string;
  /** The platform function's own report. */
  result: string;
  /** The refresh is of the whole person_vote_weights view, not of one event. */
  scope: "global";
  people_weighted: number;
  note: string;
}

export const refreshVoteWeights = defineTool({
  name: "refresh_vote_weights",
  domain: "profile-integrity",
  title: "Refresh vote weights",
  description:
    "Recompute the per-person vote weights (the person_vote_weights view the platform refreshes nightly) now, " +
    "e.g. after QR scans were fixed for an event. The refresh covers every person, not only the event given " +
    "(eid is checked and recorded). Needs the requester's confirmation and writes enabled. Votes already cast " +
    "keep the vote_factor stored on them, which is what get_vote_weights reports.",
  input: z.strictObject({ eid: eid() }),
  policy: { roles: ["ops"], risk: "high", writes: true, requiresApproval: true, maxCallsPerRequest: 1 },
  async handler(args, { sql }): Promise<RefreshVoteWeightsResult> {
    const event = await eventByEid(sql, args.eid);
    // Production defines only the zero-argument function (the original bot called a one-argument
    // overload that does not exist there).
    const [refresh] = await sql<{ result: string }[]>`select manual_refresh_vote_weights() as result`;
    const [count] = await sql<{ n: number }[]>`select count(*)::int as n from person_vote_weights`;
    return {
      eid: event.eid,
      event: event.name,
      result: refresh?.result ?? "",
      scope: "global",
      people_weighted: count?.n ?? 0,
      note:
        "person_vote_weights was refreshed for everyone; weights of votes already cast are stored on each vote " +
        "(votes.vote_factor) and do not change.",
    };
  },
  format: (r) => `${r.result} (requested for ${r.eid}; the refresh is global). ${r.note}`,
});
