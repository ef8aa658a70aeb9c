import { describe, expect, it } from "vitest";
import {
  getArtistStripeStatus,
  getManualPaymentRequests,
  getPaymentInvitations,
  paymentsReadTools,
} from "../../../src/packs/payments/index.ts";
import type { PaymentInvitationsResult } from "../../../src/packs/payments/invitations.ts";
import type { ManualPaymentRequestsResult } from "../../../src/packs/payments/manual-requests.ts";
import type { ArtistStripeStatusResult } from "../../../src/packs/payments/stripe-status.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { runReadTool } from "../../helpers/tools.ts";

const db = useTestDatabase();

describe("payments read tools policy", () => {
  it("every tool is read-only, low risk, passthrough, for finance, ops and viewer", () => {
    expect(paymentsReadTools.length).toBeGreaterThanOrEqual(6);
    for (const tool of paymentsReadTools) {
      expect(tool.domain).toBe("payments");
      expect(tool.policy).toMatchObject({ roles: ["finance", "ops", "viewer"], risk: "low", writes: false });
      expect(tool.policy.passthrough).toBe(true);
    }
  });
});

describe("get_manual_payment_requests", () => {
  it("finds the pending AB4001 request and declares email and bank details as PII", async () => {
    const expected = await db.sql<{ id: string }[]>`
      select id from artist_manual_payment_requests where 'AB4001' = any(events_referenced) and status = 'pending'`;
    const result = await runReadTool<ManualPaymentRequestsResult>(db.sql, getManualPaymentRequests, {
      eid: "ab4001",
      status: "pending",
    });
    expect(expected).toHaveLength(1);
    expect(result.requests.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(result.requests[0]?.events_referenced).toContain("AB4001");
    expect(getManualPaymentRequests.pii).toEqual({ email: "email", payment_details: "card" });
  });

  it("without filters lists every request, newest first", async () => {
    const expected = await db.sql<{ id: string }[]>`
      select id from artist_manual_payment_requests order by created_at desc, id`;
    const result = await runReadTool<ManualPaymentRequestsResult>(db.sql, getManualPaymentRequests, {});
    expect(result.requests.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    const none = await runReadTool<ManualPaymentRequestsResult>(db.sql, getManualPaymentRequests, {
      status: "no-such-status",
    });
    expect(none.requests).toEqual([]);
  });
});

describe("get_payment_invitations", () => {
  it("declares both the email and the phone of the recipient (the original masked only email)", () => {
    expect(getPaymentInvitations.pii).toMatchObject({ recipient_email: "email", recipient_phone: "phone" });
  });

  it("lists one artist's invitations, newest first", async () => {
    const [artist] = await db.sql<{ id: string }[]>`
      select artist_profile_id as id from payment_setup_invitations group by 1 order by count(*) desc, 1 limit 1`;
    const expected = await db.sql<{ id: string }[]>`
      select id from payment_setup_invitations where artist_profile_id = ${artist?.id ?? null}
      order by sent_at desc, id`;
    const result = await runReadTool<PaymentInvitationsResult>(db.sql, getPaymentInvitations, {
      artist_profile_id: artist?.id,
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(result.invitations.map((i) => i.id)).toEqual(expected.map((r) => r.id));
  });

  it("by event, lists invitations of artists with art at that event only", async () => {
    const expected = await db.sql<{ id: string }[]>`
      select i.id from payment_setup_invitations i
      where i.artist_profile_id in (select a.artist_id from art a join events e on e.id = a.event_id
                                    where e.eid = 'AB4001') order by i.id`;
    const result = await runReadTool<PaymentInvitationsResult>(db.sql, getPaymentInvitations, {
      eid: "AB4001",
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(result.invitations.map((i) => i.id).sort()).toEqual(expected.map((r) => r.id));
  });
});

describe("get_artist_stripe_status", () => {
  it("shows Marco Delgado ready to pay, with his completed legacy Connect account", async () => {
    const [marco] = await db.sql<
      { id: string }[]
    >`select id from artist_profiles where name = 'Marco Delgado'`;
    const result = await runReadTool<ArtistStripeStatusResult>(db.sql, getArtistStripeStatus, {
      artist_profile_id: marco?.id,
    });
    expect(result.accounts).toHaveLength(1);
    expect(result.accounts[0]).toMatchObject({
      artist: "Marco Delgado",
      global_payments_status: "ready",
      ready_to_pay: true,
      legacy_onboarding_status: "completed",
      legacy_payouts_enabled: true,
    });
    expect(getArtistStripeStatus.format(result)).toContain("ready to pay");
  });

  it("by event, lists each artist with art there once, with or without an account", async () => {
    const expected = await db.sql<{ id: string }[]>`
      select distinct a.artist_id as id from art a join events e on e.id = a.event_id
      where e.eid = 'AB4001' and a.artist_id is not null order by 1`;
    const result = await runReadTool<ArtistStripeStatusResult>(db.sql, getArtistStripeStatus, {
      eid: "AB4001",
    });
    expect(result.accounts.map((a) => a.artist_profile_id).sort()).toEqual(expected.map((r) => r.id));
  });

  it("needs an artist or an event", async () => {
    await expect(runReadTool(db.sql, getArtistStripeStatus, {})).rejects.toThrow();
  });
});
