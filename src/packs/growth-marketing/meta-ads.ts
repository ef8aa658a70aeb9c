import { z } from "zod";
import { defineTool, eid } from "../../catalog/index.ts";
import { capped, eventByEid, iso, money, type Phase, truncationNote } from "../data-read/shared.ts";
import { ROLES_MARKETING_READ, shortUtc } from "./shared.ts";

const input = z.strictObject({ eid: eid() });

/** One Meta campaign from the cached report. Money is the report's currency, exactly as stored. */
export interface MetaCampaign {
  name: string | null;
  status: string | null;
  spend: string | null;
  reach: number | null;
  clicks: number | null;
  conversions: number | null;
  conversion_value: string | null;
}

/** The newest meta-ads-report snapshot cached for the event (ai_analysis_cache, analysis_type meta_ads). */
export interface MetaAdsReport {
  cached_at: string;
  age_minutes: number;
  expires_at: string | null;
  /** Past its expiry: the numbers may be behind Meta's. */
  stale: boolean;
  /** Currency of every money field in the report. */
  currency: string | null;
  total_spend: string | null;
  total_budget: string | null;
  budget_remaining: string | null;
  budget_utilization_pct: string | null;
  total_reach: number | null;
  total_clicks: number | null;
  conversions: number | null;
  conversion_value: string | null;
  roas: string | null;
  /** When Meta's numbers were pulled, per the report itself. */
  last_updated: string | null;
  campaigns: MetaCampaign[];
  campaigns_truncated: boolean;
}

/** The newest run of the daily cache cron. It covers every event, not just this one. */
export interface MetaAdsCronRun {
  scope: "global";
  executed_at: string | null;
  status: string | null;
  total_events: number | null;
  successful: number | null;
  failed: number | null;
  skipped: number | null;
  duration_ms: number | null;
  /** The error that run logged for this event, if it logged one. */
  error_for_this_event: string | null;
}

export interface MetaAdsDataResult {
  eid: string;
  name: string;
  phase: Phase;
  starts_at: string | null;
  /** Ad budgets recorded on the event, in the event's currency. */
  budgets: { currency: string | null; meta_ads_budget: string | null; other_ads_budget: string | null };
  report: MetaAdsReport | null;
  /** How many reports have been cached for the event (each refresh appends one). */
  cached_reports: number;
  cron_last_run: MetaAdsCronRun | null;
  notes: string[];
}

const CRON_NOTE =
  "cron_last_run is the newest run of the daily Meta ads cache job across ALL events; it is not specific to this event.";

type ReportRow = Omit<MetaAdsReport, "cached_at" | "expires_at" | "campaigns" | "campaigns_truncated"> & {
  id: string;
  cached_at: Date;
  expires_at: Date | null;
};

export const getMetaAdsData = defineTool({
  name: "get_meta_ads_data",
  domain: "growth-marketing",
  title: "Meta ads for an event",
  description:
    "Paid-advertising picture for one event (eid): the Meta and other ad budgets set on the event (event " +
    "currency), the newest cached Meta ads report (spend, budget used, reach, clicks, conversions, " +
    "conversion value, ROAS, per-campaign figures, in the report's currency, with its age and whether it is " +
    "stale) and the newest run of the daily ads-cache job — which is global, across all events, and says " +
    "whether that run logged an error for this event. Use it for 'how are the ads doing for AB4125?'. It " +
    "does not call Meta; figures are only as fresh as the cache.",
  input,
  policy: { roles: ROLES_MARKETING_READ, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<MetaAdsDataResult> {
    const event = await eventByEid(sql, args.eid);
    const [budgets] = await sql<{ meta_ads_budget: string | null; other_ads_budget: string | null }[]>`
      select meta_ads_budget::text, other_ads_budget::text from events where id = ${event.id}`;
    // Numbers are read from the JSON text as stored: money stays exact, counts become numbers.
    const [latest] = await sql<ReportRow[]>`
      with r as (
        select id, created_at, expires_at, result from ai_analysis_cache
        where event_id = ${event.eid} and analysis_type = 'meta_ads'
        order by created_at desc, id desc limit 1)
      select id, created_at as cached_at, expires_at,
             floor(extract(epoch from now() - created_at) / 60)::int as age_minutes,
             coalesce(expires_at < now(), false) as stale,
             result->>'currency' as currency,
             result->>'total_spend' as total_spend, result->>'total_budget' as total_budget,
             result->>'budget_remaining' as budget_remaining,
             result->>'budget_utilization' as budget_utilization_pct,
             case when jsonb_typeof(result->'total_reach') = 'number' then (result->>'total_reach')::float8 end
               as total_reach,
             case when jsonb_typeof(result->'total_clicks') = 'number' then (result->>'total_clicks')::float8 end
               as total_clicks,
             case when jsonb_typeof(result->'conversions') = 'number' then (result->>'conversions')::float8 end
               as conversions,
             result->>'conversion_value' as conversion_value, result->>'roas' as roas,
             result->>'last_updated' as last_updated
      from r`;
    const campaigns = latest
      ? await sql<MetaCampaign[]>`
          select c->>'name' as name, c->>'status' as status, c->>'spend' as spend,
                 case when jsonb_typeof(c->'reach') = 'number' then (c->>'reach')::float8 end as reach,
                 case when jsonb_typeof(c->'clicks') = 'number' then (c->>'clicks')::float8 end as clicks,
                 case when jsonb_typeof(c->'conversions') = 'number' then (c->>'conversions')::float8 end
                   as conversions,
                 c->>'conversion_value' as conversion_value
          from ai_analysis_cache a,
               jsonb_array_elements(case when jsonb_typeof(a.result->'campaigns') = 'array'
                                         then a.result->'campaigns' else '[]'::jsonb end)
                 with ordinality as x(c, n)
          where a.id = ${latest.id}
          order by x.n
          limit ${rowCap + 1}`
      : [];
    const [{ n: cachedReports } = { n: 0 }] = await sql<{ n: number }[]>`
      select count(*)::int as n from ai_analysis_cache where event_id = ${event.eid} and analysis_type = 'meta_ads'`;
    const [cron] = await sql<
      (Omit<MetaAdsCronRun, "scope" | "executed_at"> & { executed_at: Date | null })[]
    >`
      select l.executed_at, l.status, l.total_events, l.successful, l.failed, l.skipped, l.duration_ms,
             (select e->>'error'
              from jsonb_array_elements(case when jsonb_typeof(l.errors) = 'array' then l.errors else '[]'::jsonb end) e
              where e->>'eid' = ${event.eid} limit 1) as error_for_this_event
      from meta_ads_cache_cron_log l
      order by l.executed_at desc nulls last, l.id desc limit 1`;

    const notes = [CRON_NOTE];
    if (!latest) notes.push(`No Meta ads report has been cached for ${event.eid}.`);
    else if (latest.stale)
      notes.push("The cached report is past its expiry time; Meta's live numbers may differ.");
    let report: MetaAdsReport | null = null;
    if (latest) {
      const { id: _id, cached_at, expires_at, ...figures } = latest;
      const cut = capped(campaigns, rowCap);
      report = {
        ...figures,
        cached_at: cached_at.toISOString(),
        expires_at: iso(expires_at),
        campaigns: cut.rows,
        campaigns_truncated: cut.truncated,
      };
    }
    return {
      eid: event.eid,
      name: event.name,
      phase: event.phase,
      starts_at: iso(event.startsAt),
      budgets: {
        currency: event.currency,
        meta_ads_budget: budgets?.meta_ads_budget ?? null,
        other_ads_budget: budgets?.other_ads_budget ?? null,
      },
      report,
      cached_reports: cachedReports,
      cron_last_run: cron ? { scope: "global", ...cron, executed_at: iso(cron.executed_at) } : null,
      notes,
    };
  },
  format(r) {
    const b = r.budgets;
    const lines = [
      `Meta ads for ${r.eid} (${r.name}, ${r.phase}): budget Meta ${money(b.meta_ads_budget, b.currency)}, ` +
        `other ${money(b.other_ads_budget, b.currency)}`,
    ];
    const rep = r.report;
    if (rep) {
      lines.push(
        `Latest cached report ${shortUtc(rep.cached_at)} (${rep.age_minutes} min old${rep.stale ? ", stale" : ""}): ` +
          `spend ${money(rep.total_spend, rep.currency)} of ${money(rep.total_budget, rep.currency)} ` +
          `(${rep.budget_utilization_pct ?? "?"}%), reach ${rep.total_reach ?? "?"}, clicks ${rep.total_clicks ?? "?"}, ` +
          `conversions ${rep.conversions ?? "?"} worth ${money(rep.conversion_value, rep.currency)}, ROAS ${rep.roas ?? "?"}`,
      );
      for (const c of rep.campaigns) {
        lines.push(
          `- ${c.name ?? "(unnamed)"} [${c.status ?? "?"}]: spend ${money(c.spend, rep.currency)}, reach ${c.reach ?? "?"}, ` +
            `conversions ${c.conversions ?? "?"}`,
        );
      }
      lines.push(...truncationNote(rep.campaigns_truncated, rep.campaigns.length));
    }
    const cron = r.cron_last_run;
    lines.push(
      cron
        ? `Ads cache job, last run for all events (global): ${shortUtc(cron.executed_at)} ${cron.status ?? "?"}, ` +
            `${cron.successful ?? "?"}/${cron.total_events ?? "?"} events ok, ${cron.failed ?? "?"} failed` +
            (cron.error_for_this_event ? `; error for ${r.eid}: ${cron.error_for_this_event}` : "")
        : "The ads cache job has never logged a run.",
    );
    lines.push(...r.notes.filter((n) => n !== CRON_NOTE));
    return lines.join("\n");
  },
});
