import { describe, expect, it } from "vitest";
import { TEST_ANCHOR } from "../helpers/constants.ts";
import { useTestDatabase } from "../helpers/db.ts";

const db = useTestDatabase();
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface OwedRow {
  artist_name: string;
  balance_currency: string;
  estimated_balance: string;
}

/** What one artist earned at one show: Σ sale price × the event's artist portion over buyer-paid art. */
async function shareAt(artist: string, eid: string): Promise<number> {
  const [row] = await db.sql<{ share: string | null }[]>`
    select sum(coalesce(a.final_price, a.current_bid, 0) * e.artist_auction_portion) as share
    from art a
    join events e on e.id = a.event_id
    join artist_profiles ap on ap.id = a.artist_id
    where e.eid = ${eid} and ap.name = ${artist} and a.status = 'paid'`;
  return Number(row?.share ?? 0);
}

/** Completed payouts to one artist in one currency. */
async function paidOut(artist: string, currency: string): Promise<number> {
  const [row] = await db.sql<{ paid: string | null }[]>`
    select sum(p.gross_amount) as paid
    from artist_payments p join artist_profiles ap on ap.id = p.artist_profile_id
    where ap.name = ${artist} and p.currency = ${currency} and p.status in ('paid', 'verified')`;
  return Number(row?.paid ?? 0);
}

describe("scenario events", () => {
  it("AB4023 is published but hidden from the app, nine days out; AB4098 is not published at all", async () => {
    const rows = await db.sql<{ eid: string; enabled: boolean; show_in_app: boolean; starts: Date }[]>`
      select eid, enabled, show_in_app, event_start_datetime as starts
      from events where eid in ('AB4023', 'AB4098') order by eid`;
    expect(rows.map(({ eid, enabled, show_in_app }) => ({ eid, enabled, show_in_app }))).toEqual([
      { eid: "AB4023", enabled: true, show_in_app: false },
      { eid: "AB4098", enabled: false, show_in_app: false },
    ]);
    const daysOut = ((rows[0]?.starts.getTime() ?? 0) - TEST_ANCHOR.getTime()) / DAY;
    expect(daysOut).toBeGreaterThan(8);
    expect(daysOut).toBeLessThan(11);
  });

  it("AB4001 (CAD) and AB4002 (USD) leave two artists owed in both currencies, net of partial payouts", async () => {
    const owed = await db.sql<OwedRow[]>`
      select artist_name, balance_currency, estimated_balance from get_artists_owed()
      where artist_name in ('Marco Delgado', 'Lena Okafor') order by artist_name, balance_currency`;
    expect(owed.map((r) => `${r.artist_name} ${r.balance_currency}`)).toEqual([
      "Lena Okafor CAD",
      "Lena Okafor USD",
      "Marco Delgado CAD",
      "Marco Delgado USD",
    ]);
    for (const row of owed) {
      const eid = row.balance_currency === "CAD" ? "AB4001" : "AB4002";
      const share = await shareAt(row.artist_name, eid);
      const paid = await paidOut(row.artist_name, row.balance_currency);
      expect(share).toBeGreaterThan(0);
      expect(Number(row.estimated_balance)).toBeCloseTo(share - paid, 2);
    }
    // Each of the two has been paid half of exactly one show, in a different currency.
    expect(await paidOut("Marco Delgado", "CAD")).toBeCloseTo(
      Math.floor(((await shareAt("Marco Delgado", "AB4001")) * 100) / 2) / 100,
      2,
    );
    expect(await paidOut("Marco Delgado", "USD")).toBe(0);
    expect(await paidOut("Lena Okafor", "USD")).toBeCloseTo(
      Math.floor(((await shareAt("Lena Okafor", "AB4002")) * 100) / 2) / 100,
      2,
    );
    expect(await paidOut("Lena Okafor", "CAD")).toBe(0);
  });

  it("AB4001 also has a fully paid artist, a payout stuck in processing and a pending manual request", async () => {
    const [paidInFull] = await db.sql<{ n: number }[]>`
      with earned as (
        select a.artist_id, sum(coalesce(a.final_price, a.current_bid, 0) * e.artist_auction_portion) as share
        from art a join events e on e.id = a.event_id
        where e.eid = 'AB4001' and a.status = 'paid' group by a.artist_id)
      select count(*)::int as n from earned
      where share > 0
        and (select coalesce(sum(gross_amount), 0) from artist_payments p
             where p.artist_profile_id = earned.artist_id and p.currency = 'CAD'
               and p.status = 'verified') >= share
        and earned.artist_id not in (select artist_id from get_artists_owed())`;
    expect(paidInFull?.n).toBeGreaterThanOrEqual(1);

    const health = await db.sql<{ check_name: string; payment_count: number; oldest_at: Date | null }[]>`
      select check_name, payment_count::int, oldest_at from get_payment_status_health()`;
    const stuck = health.find((h) => h.check_name === "stuck_processing");
    expect(stuck?.payment_count).toBe(1);
    const [processing] = await db.sql<{ created_at: Date }[]>`
      select p.created_at from artist_payments p where p.status = 'processing'`;
    expect(Math.round((TEST_ANCHOR.getTime() - (processing?.created_at.getTime() ?? 0)) / MINUTE)).toBe(192);
    expect(stuck?.oldest_at?.getTime()).toBeLessThan(TEST_ANCHOR.getTime() - 3 * 60 * MINUTE);

    const requests = await db.sql<{ events_referenced: string[]; status: string }[]>`
      select events_referenced, status from artist_manual_payment_requests
      where 'AB4001' = any(events_referenced) and status = 'pending'`;
    expect(requests.length).toBe(1);
  });

  it("AB4120 is live now: rounds 1–2 finished, round 3 voting, every artwork's auction closing within the hour", async () => {
    const rounds = await db.sql<{ round_number: number; is_finished: boolean; votes: number }[]>`
      select r.round_number, r.is_finished,
             (select count(*)::int from votes v where v.event_id = e.id and v.round = r.round_number) as votes
      from rounds r join events e on e.id = r.event_id where e.eid = 'AB4120' order by r.round_number`;
    expect(rounds.map((r) => [r.round_number, r.is_finished])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    expect(rounds.every((r) => r.votes > 0)).toBe(true);

    const art = await db.sql<{ status: string; closing_time: Date }[]>`
      select a.status::text as status, a.closing_time from art a join events e on e.id = a.event_id
      where e.eid = 'AB4120'`;
    expect(art.length).toBeGreaterThan(0);
    expect(new Set(art.map((a) => a.status))).toEqual(new Set(["active"]));
    for (const a of art) {
      const minutes = (a.closing_time.getTime() - TEST_ANCHOR.getTime()) / MINUTE;
      expect(minutes).toBeGreaterThanOrEqual(20);
      expect(minutes).toBeLessThanOrEqual(40);
    }

    const [bidding] = await db.sql<{ bids: number; latest: Date }[]>`
      select count(*)::int as bids, max(b.created_at) as latest
      from bids b join art a on a.id = b.art_id join events e on e.id = a.event_id where e.eid = 'AB4120'`;
    expect(bidding?.bids).toBeGreaterThan(0);
    expect(bidding?.latest.getTime()).toBeLessThanOrEqual(TEST_ANCHOR.getTime());

    const [qr] = await db.sql<{ active: number }[]>`
      select count(*)::int as active from qr_codes q join events e on e.id = q.event_id
      where e.eid = 'AB4120' and q.is_active and q.expires_at > ${TEST_ANCHOR}`;
    expect(qr?.active).toBe(1);
  });

  it("AB4124's Eventbrite mapping points at another city's show 23 days later", async () => {
    const [row] = await db.sql<{ city: string; starts: Date; eb_name: string; eb_start: Date }[]>`
      select c.name as city, e.event_start_datetime as starts,
             x.eventbrite_event_name as eb_name, x.eventbrite_start_date as eb_start
      from events e join cities c on c.id = e.city_id
      join lateral (select * from eventbrite_api_cache x where x.eid = e.eid order by fetched_at desc limit 1) x on true
      where e.eid = 'AB4124'`;
    expect(row?.eb_name).not.toContain(row?.city ?? "?");
    // eventbrite_start_date is the listing's local wall-clock time, so compare whole days only.
    const days = ((row?.eb_start.getTime() ?? 0) - (row?.starts.getTime() ?? 0)) / DAY;
    expect(Math.round(days)).toBe(23);
  });

  it("AB4125 and AB4130 have order timelines and earlier shows in the same city to compare against", async () => {
    const rows = await db.sql<{ eid: string; orders: number; comparators: number }[]>`
      select e.eid,
             (select count(*)::int from eventbrite_orders_cache o where o.eid = e.eid) as orders,
             (select count(*)::int from events p
              where p.city_id = e.city_id and p.event_start_datetime < ${TEST_ANCHOR}
                and exists (select 1 from eventbrite_orders_cache o where o.eid = p.eid)) as comparators
      from events e where e.eid in ('AB4125', 'AB4130') order by e.eid`;
    expect(rows.map((r) => r.eid)).toEqual(["AB4125", "AB4130"]);
    for (const r of rows) {
      expect(r.orders).toBeGreaterThan(0);
      expect(r.comparators).toBeGreaterThanOrEqual(1);
    }
  });

  it("AB4031 is a charity show: its artists earn nothing from sales", async () => {
    const [row] = await db.sql<{ portion: string; sold: number; owed: string | null }[]>`
      select e.artist_auction_portion::text as portion,
             (select count(*)::int from art a where a.event_id = e.id and a.status in ('sold', 'paid')) as sold,
             (select sum(coalesce(a.final_price, a.current_bid, 0) * e.artist_auction_portion)
              from art a where a.event_id = e.id and a.status = 'paid') as owed
      from events e where e.eid = 'AB4031'`;
    expect(row?.portion).toBe("0.00");
    expect(row?.sold).toBeGreaterThan(0);
    expect(Number(row?.owed ?? 0)).toBe(0);
  });

  it("jordan.lee@example.com voted and bid at AB4002 and won an artwork there", async () => {
    const [row] = await db.sql<{ votes: number; bids: number; won: number }[]>`
      with jordan as (select id from people where email = 'jordan.lee@example.com'),
           show as (select id from events where eid = 'AB4002'),
           top as (select distinct on (b.art_id) b.art_id, b.person_id
                   from bids b join art a on a.id = b.art_id where a.event_id = (select id from show)
                   order by b.art_id, b.amount desc)
      select (select count(*)::int from votes where event_id = (select id from show)
                and person_id = (select id from jordan)) as votes,
             (select count(*)::int from bids b join art a on a.id = b.art_id
               where a.event_id = (select id from show) and b.person_id = (select id from jordan)) as bids,
             (select count(*)::int from top where person_id = (select id from jordan)) as won`;
    expect(row?.votes).toBeGreaterThan(0);
    expect(row?.bids).toBeGreaterThan(0);
    expect(row?.won).toBeGreaterThanOrEqual(1);
  });

  it("uses only reserved example domains and fictional 555 numbers for contact details", async () => {
    const [row] = await db.sql<{ bad_emails: number; bad_phones: number; people: number }[]>`
      select count(*) filter (where email is not null and email !~ '@example\\.(com|net|org)$')::int as bad_emails,
             count(*) filter (where phone is not null and phone !~ '555')::int as bad_phones,
             count(*)::int as people
      from people`;
    expect(row?.people).toBeGreaterThan(0);
    expect({ bad_emails: row?.bad_emails, bad_phones: row?.bad_phones }).toEqual({
      bad_emails: 0,
      bad_phones: 0,
    });
  });
});
