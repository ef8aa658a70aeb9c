import { describe, expect, it } from "vitest";
import { LocalEdgeFunctions } from "../../src/edge/index.ts";
import { useTestDatabase } from "../helpers/db.ts";
import { refusalOf } from "../helpers/tools.ts";

const db = useTestDatabase();

/** An artist with a ready payout account and buyer-paid art at AB4001, from the seeded rows. */
async function payableArtist() {
  const [row] = await db.sql<{ artist_id: string; event_id: string; name: string }[]>`
    select a.artist_id, a.event_id, ap.name from art a
    join events e on e.id = a.event_id and e.eid = 'AB4001'
    join artist_profiles ap on ap.id = a.artist_id
    join artist_global_payments g on g.artist_profile_id = a.artist_id and g.status = 'ready'
    where a.status = 'paid' order by ap.name limit 1`;
  if (!row) throw new Error("AB4001 has a payable artist");
  return row;
}

const paymentsOf = async (artistId: string) =>
  (
    await db.sql<
      { n: number }[]
    >`select count(*)::int as n from artist_payments where artist_profile_id = ${artistId}`
  )[0]?.n ?? 0;

describe("local Edge Functions (demo)", () => {
  it("does one payout per idempotency key, even for 10 concurrent calls; the repeat gets the same answer", async () => {
    const edge = new LocalEdgeFunctions(db.sql);
    const artist = await payableArtist();
    const before = await paymentsOf(artist.artist_id);
    const payload = {
      artist_profile_id: artist.artist_id,
      amount: 3.5,
      currency: "CAD",
      event_id: artist.event_id,
    };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        edge.invoke<{ payment_id: string }>("process-artist-payment", payload, {
          idempotencyKey: "same-key",
        }),
      ),
    );
    expect(new Set(answers.map((a) => a.payment_id)).size).toBe(1);
    expect(await paymentsOf(artist.artist_id)).toBe(before + 1);
    const other = await edge.invoke<{ payment_id: string }>("process-artist-payment", payload, {
      idempotencyKey: "other-key",
    });
    expect(other.payment_id).not.toBe(answers[0]?.payment_id);
    expect(await paymentsOf(artist.artist_id)).toBe(before + 2);
  });

  it("a refused call stores neither the effect nor the key, so it can be retried after a fix", async () => {
    const edge = new LocalEdgeFunctions(db.sql);
    const artist = await payableArtist();
    const before = await paymentsOf(artist.artist_id);
    const error = await refusalOf(
      edge.invoke(
        "process-artist-payment",
        { artist_profile_id: artist.artist_id, amount: -1 },
        { idempotencyKey: "k-neg" },
      ),
    );
    expect(error).toMatchObject({ code: "UPSTREAM" });
    expect(error.message).toContain("answered 400");
    const [stored] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from arthur_edge_requests where idempotency_key = 'k-neg'`;
    expect(stored?.n).toBe(0);
    expect(await paymentsOf(artist.artist_id)).toBe(before);
    const misused = await refusalOf(
      edge.invoke(
        "send-payment-setup-reminder",
        { artist_profile_id: artist.artist_id, artist_name: "x" },
        {
          idempotencyKey: "same-key",
        },
      ),
    );
    expect(misused.message).toContain("used for another function");
  });

  it("admin-send-invitation checks its required fields and refuses a second invitation to the same event", async () => {
    const edge = new LocalEdgeFunctions(db.sql);
    const missing = await refusalOf(edge.invoke("admin-send-invitation", { event_eid: "AB4130" }));
    expect(missing.message).toContain("Missing required fields: artist_number, message_from_producer");
    const [artist] = await db.sql<{ id: string; entry_id: number }[]>`
      select id, entry_id from artist_profiles where superseded_by is null order by entry_id desc limit 1`;
    const payload = {
      event_eid: "AB4098",
      artist_number: String(artist?.entry_id),
      message_from_producer: "Join us",
    };
    const first = await edge.invoke<{ invitation: { artist_profile_id: string } }>(
      "admin-send-invitation",
      payload,
    );
    // Without artist_profile_id the function finds the profile by its artist number, as Art Battle's does.
    expect(first.invitation.artist_profile_id).toBe(artist?.id);
    const second = await refusalOf(edge.invoke("admin-send-invitation", payload));
    expect(second.message).toContain(`Artist ${artist?.entry_id} has already been invited to AB4098`);
    const [rows] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from artist_invitations where event_eid = 'AB4098' and artist_number = ${payload.artist_number}`;
    expect(rows?.n).toBe(1);
  });
});
