import { describe, expect, it } from "vitest";
import { ToolError } from "../../../src/catalog/index.ts";
import { getQrScanStatus } from "../../../src/packs/profile-integrity/index.ts";
import type { QrScanStatusResult } from "../../../src/packs/profile-integrity/qr-scans.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

const status = (args: object, rowCap = 200) =>
  runReadTool<QrScanStatusResult>(db.sql, getQrScanStatus, args, undefined, rowCap);

interface Expected {
  scans: number;
  valid: number;
  people: number;
  people_valid: number;
  with_code: number;
}

async function expectedFor(eid: string): Promise<Expected | undefined> {
  const [row] = await db.sql<Expected[]>`
    select count(*)::int as scans, count(*) filter (where s.is_valid)::int as valid,
           count(distinct s.person_id)::int as people,
           count(distinct s.person_id) filter (where s.is_valid)::int as people_valid,
           count(*) filter (where exists (select 1 from qr_codes q
             where q.code = s.qr_code and q.event_id = s.event_id))::int as with_code
    from people_qr_scans s join events e on e.id = s.event_id where e.eid = ${eid}`;
  return row;
}

describe("get_qr_scan_status", () => {
  it("counts AB4120's scans like independent SQL, with their codes still on record", async () => {
    const expected = await expectedFor("AB4120");
    const result = await status({ eid: "AB4120" }, 100000);
    expect(expected?.scans).toBeGreaterThan(0);
    expect(result.counts.scans).toBe(expected?.scans);
    expect(result.counts.valid).toBe(expected?.valid);
    expect(result.counts.invalid).toBe((expected?.scans ?? 0) - (expected?.valid ?? 0));
    expect(result.counts.people).toBe(expected?.people);
    expect(result.counts.people_with_valid_scan).toBe(expected?.people_valid);
    expect(result.counts.with_code_record).toBe(expected?.with_code);
    expect(result.counts.with_code_record).toBeGreaterThan(0);
    expect(result.scans.filter((s) => s.code !== null)).toHaveLength(expected?.with_code ?? -1);
    const times = result.scans.map((s) => s.scanned_at ?? "");
    expect(times).toEqual([...times].sort().reverse());
  });

  it("lists AB4120's current codes with whether each is usable now", async () => {
    const codes = await db.sql<{ code: string; usable: boolean }[]>`
      select q.code, (q.is_active and q.expires_at > now()) as usable from qr_codes q
      join events e on e.id = q.event_id where e.eid = 'AB4120'`;
    const result = await status({ eid: "AB4120" });
    expect(result.event_codes?.map((c) => c.code).sort()).toEqual(codes.map((c) => c.code).sort());
    expect(result.event_codes?.filter((c) => c.usable_now)).toHaveLength(
      codes.filter((c) => c.usable).length,
    );
  });

  it("keeps AB4001's scans and validity although their codes were cleaned up", async () => {
    const expected = await expectedFor("AB4001");
    const result = await status({ eid: "AB4001" }, 100000);
    expect(expected?.scans).toBeGreaterThan(0);
    expect(result.counts.scans).toBe(expected?.scans);
    expect(result.counts.valid).toBe(expected?.valid);
    expect(result.counts.with_code_record).toBe(expected?.with_code);
    expect(result.scans).toHaveLength(expected?.scans ?? -1);
    expect(result.scans.filter((s) => s.is_valid)).toHaveLength(expected?.valid ?? -1);
  });

  it("finds one person's scans across events, with contact, and narrows to one event", async () => {
    const [person] = await db.sql<{ id: string; email: string | null; events: number; n: number }[]>`
      select s.person_id as id, p.email::text as email, count(distinct s.event_id)::int as events, count(*)::int as n
      from people_qr_scans s join people p on p.id = s.person_id
      group by 1, 2 order by 3 desc, 4 desc, 1 limit 1`;
    const result = await status({ person_id: person?.id });
    expect(result.counts.scans).toBe(person?.n);
    expect(new Set(result.scans.map((s) => s.eid)).size).toBe(person?.events);
    expect(result.scans.every((s) => s.person_id === person?.id && s.email === person?.email)).toBe(true);
    expect(result.event_codes).toBeNull();
    const eid = result.scans[0]?.eid ?? "";
    const [one] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from people_qr_scans s join events e on e.id = s.event_id
      where e.eid = ${eid} and s.person_id = ${person?.id ?? null}`;
    const narrowed = await status({ eid, person_id: person?.id });
    expect(narrowed.counts.scans).toBe(one?.n);
    expect(narrowed.scans.every((s) => s.eid === eid)).toBe(true);
  });

  it("caps the list at the row cap but keeps exact counts", async () => {
    const expected = await expectedFor("AB4120");
    const result = await status({ eid: "AB4120" }, 2);
    expect(result.scans).toHaveLength(2);
    expect(result.truncated).toBe(true);
    expect(result.counts.scans).toBe(expected?.scans);
  });

  it("needs an eid or a person, and reports unknown ones as NOT_FOUND", async () => {
    await expect(status({})).rejects.toSatisfy(
      (e) => e instanceof ToolError && e.code === "INVALID_ARGUMENT",
    );
    await expect(status({ eid: "AB999999" })).rejects.toSatisfy(
      (e) => e instanceof ToolError && e.code === "NOT_FOUND",
    );
    await expect(status({ person_id: "00000000-0000-4000-8000-000000000000" })).rejects.toSatisfy(
      (e) => e instanceof ToolError && e.code === "NOT_FOUND",
    );
  });

  it("declares phone and email as PII", () => {
    expect(getQrScanStatus.pii).toEqual({ email: "email", phone: "phone" });
  });
});
