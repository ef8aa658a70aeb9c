import { z } from "zod";
import { defineTool, eid, notFound, ToolError, uuid } from "../../catalog/index.ts";
import type { Sql } from "../../db/index.ts";
import { capped, eventByEid, iso, ROLES_OPS_EP_VIEWER, truncationNote } from "../data-read/shared.ts";

const input = z.strictObject({
  eid: eid().optional(),
  person_id: uuid("Person id").optional(),
});

export interface QrCodeInfo {
  generated_at: string | null;
  expires_at: string | null;
  is_active: boolean;
}

export interface QrScanRow {
  id: string;
  eid: string | null;
  event_name: string | null;
  person_id: string;
  person_name: string | null;
  email: string | null;
  phone: string | null;
  qr_code: string;
  scanned_at: string | null;
  /** The scan was accepted (people_qr_scans.is_valid): what earns the +1.0 vote bonus. */
  is_valid: boolean;
  /** The code's row in qr_codes, or null once cleanup has deleted it (codes live about an hour). */
  code: QrCodeInfo | null;
}

export interface ActiveCode {
  code: string;
  generated_at: string | null;
  expires_at: string | null;
  is_active: boolean;
  /** Active and not yet expired by the database clock. */
  usable_now: boolean;
}

export interface QrScanStatusResult {
  eid: string | null;
  person_id: string | null;
  /** Exact over every matching scan, not just the listed ones. */
  counts: {
    scans: number;
    valid: number;
    invalid: number;
    people: number;
    people_with_valid_scan: number;
    /** Scans whose code still has a qr_codes row; the rest were cleaned up, which is normal. */
    with_code_record: number;
  };
  /** The event's current qr_codes rows (eid given only). */
  event_codes: ActiveCode[] | null;
  scans: QrScanRow[];
  truncated: boolean;
}

function matching(sql: Sql, eventId: string | undefined, personId: string | undefined) {
  return sql`
    select s.*, q.generated_at as code_generated_at, q.expires_at as code_expires_at, q.is_active as code_is_active,
           q.id as code_id
    from people_qr_scans s
    left join qr_codes q on q.code = s.qr_code and q.event_id = s.event_id
    where true
      ${eventId === undefined ? sql`` : sql`and s.event_id = ${eventId}`}
      ${personId === undefined ? sql`` : sql`and s.person_id = ${personId}`}`;
}

type Row = Omit<QrScanRow, "scanned_at" | "code"> & {
  scanned_at: Date;
  code_id: string | null;
  code_generated_at: Date | null;
  code_expires_at: Date | null;
  code_is_active: boolean | null;
};

export const getQrScanStatus = defineTool({
  name: "get_qr_scan_status",
  domain: "profile-integrity",
  title: "QR check-in scans",
  description:
    "Door QR-code scans for one event (eid), one person (person_id) or both (at least one is required). Returns " +
    "exact counts (scans, valid and invalid, people, people with a valid scan — the +1.0 vote-weight bonus — and " +
    "scans whose code still exists), the event's current QR codes with whether each is usable now, and the newest " +
    "scans (up to the row cap) with event, person, contact, code, validity and the code's generated/expiry/active " +
    "fields where the code still exists. Validity comes from the scan itself: codes are deleted about an hour " +
    "after they are generated, so a missing code is normal for past shows. Use it for 'did the QR check-in work " +
    "at AB4120?' or 'did this person scan in?'. For vote weights use get_vote_weights.",
  input,
  pii: { email: "email", phone: "phone" },
  policy: { roles: ROLES_OPS_EP_VIEWER, risk: "low", maxCallsPerRequest: 2 },
  async handler(args, { sql, rowCap }): Promise<QrScanStatusResult> {
    if (args.eid === undefined && args.person_id === undefined) {
      throw new ToolError("INVALID_ARGUMENT", "Give an eid, a person_id, or both.");
    }
    const event = args.eid === undefined ? undefined : await eventByEid(sql, args.eid);
    if (args.person_id !== undefined) {
      const [found] = await sql`select 1 from people where id = ${args.person_id}`;
      if (!found) throw notFound(`No person ${args.person_id}`);
    }
    const scans = matching(sql, event?.id, args.person_id);
    // Counts, listed scans and the event's codes are independent reads: issued together they overlap
    // their round trips instead of paying for three in a row.
    const [[counts], listed, codes] = await Promise.all([
      sql<QrScanStatusResult["counts"][]>`
        with m as (${scans})
        select count(*)::int as scans, count(*) filter (where is_valid)::int as valid,
               count(*) filter (where not is_valid)::int as invalid,
               count(distinct person_id)::int as people,
               count(distinct person_id) filter (where is_valid)::int as people_with_valid_scan,
               count(code_id)::int as with_code_record
        from m`,
      // MATERIALIZED: collect the event's or person's scans through their index, then sort. Inlined,
      // the generic plan PostgreSQL switches to for a prepared statement (the row cap unknown) walks
      // every scan of every event newest first through the scan_timestamp index, about 10x slower.
      sql<Row[]>`
        with m as materialized (${scans})
        select m.id, e.eid, e.name as event_name, m.person_id,
               coalesce(nullif(p.name, ''), nullif(concat_ws(' ', p.first_name, p.last_name), '')) as person_name,
               p.email::text as email, coalesce(p.phone, p.auth_phone, p.phone_number)::text as phone,
               m.qr_code, m.scan_timestamp as scanned_at, m.is_valid,
               m.code_id, m.code_generated_at, m.code_expires_at, m.code_is_active
        from m
        left join events e on e.id = m.event_id
        left join people p on p.id = m.person_id
        order by m.scan_timestamp desc, m.id
        limit ${rowCap + 1}`,
      event === undefined
        ? null
        : sql<(Omit<ActiveCode, "generated_at" | "expires_at"> & { generated_at: Date; expires_at: Date })[]>`
            select code, generated_at, expires_at, is_active, (is_active and expires_at > now()) as usable_now
            from qr_codes where event_id = ${event.id}
            order by generated_at desc, code`,
    ]);
    const cut = capped(listed, rowCap);
    return {
      eid: event?.eid ?? null,
      person_id: args.person_id ?? null,
      counts: counts ?? {
        scans: 0,
        valid: 0,
        invalid: 0,
        people: 0,
        people_with_valid_scan: 0,
        with_code_record: 0,
      },
      event_codes:
        codes?.map((c) => ({ ...c, generated_at: iso(c.generated_at), expires_at: iso(c.expires_at) })) ??
        null,
      scans: cut.rows.map(
        ({ code_id, code_generated_at, code_expires_at, code_is_active, scanned_at, ...r }) => ({
          ...r,
          scanned_at: iso(scanned_at),
          code:
            code_id === null
              ? null
              : {
                  generated_at: iso(code_generated_at),
                  expires_at: iso(code_expires_at),
                  is_active: code_is_active ?? false,
                },
        }),
      ),
      truncated: cut.truncated,
    };
  },
  format(r) {
    const scope = [r.eid, r.person_id && `person ${r.person_id}`].filter(Boolean).join(", ");
    const c = r.counts;
    const lines = [
      `QR scans for ${scope}: ${c.scans} (${c.valid} valid, ${c.invalid} invalid) by ${c.people} people, ` +
        `${c.people_with_valid_scan} with a valid scan; ${c.with_code_record} still have their code on record`,
    ];
    if (r.event_codes) {
      lines.push(
        r.event_codes.length
          ? `Current codes: ${r.event_codes.map((q) => `${q.code}${q.usable_now ? " (usable now)" : " (expired/inactive)"}`).join(", ")}`
          : "No QR codes on record for this event (expired codes are deleted).",
      );
    }
    for (const s of r.scans) {
      lines.push(
        `- ${s.scanned_at?.slice(0, 16).replace("T", " ") ?? "?"} ${s.eid ?? "?"} ${s.person_name ?? s.person_id}: ` +
          `${s.qr_code} ${s.is_valid ? "valid" : "invalid"}${s.code ? "" : " (code no longer on record)"}`,
      );
    }
    lines.push(...truncationNote(r.truncated, r.scans.length));
    return lines.join("\n");
  },
});
