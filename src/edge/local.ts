import { type Caller, type EdgeFunctionName, type EdgeFunctions, ToolError } from "../catalog/index.ts";
import type { Sql } from "../db/index.ts";

/**
 * The Edge Functions write tools need, implemented in-process for embedded/demo mode. Each one
 * writes the rows the real function writes (`artbattle-schema.md` §7; the intended function where
 * the original bot called the wrong one, as `docs/demo-data.md` records) and answers with its
 * response shape. Each call is one transaction on Arthur's own pool — like a remote function, it
 * commits independently of the tool's transaction. A call with an idempotency key is done once:
 * the key and response are stored with the effect, and a repeat returns the stored response.
 */
export class LocalEdgeFunctions implements EdgeFunctions {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async invoke<T = unknown>(
    name: EdgeFunctionName,
    payload: Record<string, unknown>,
    options: { idempotencyKey?: string | null; caller?: Caller } = {},
  ): Promise<T> {
    const handler = HANDLERS[name];
    if (!handler) {
      throw new ToolError("UPSTREAM", `Edge Function ${name} has no local implementation; set SUPABASE_URL`, {
        function: name,
        status: 404,
      });
    }
    const key = options.idempotencyKey ?? null;
    // The same body the HTTP client sends, so the functions see the key where a remote one would.
    const body = key ? { ...payload, idempotency_key: key } : payload;
    try {
      return (await this.#sql.begin(async (tx) => {
        const sql = tx as unknown as Sql;
        if (key) {
          // A concurrent call with the same key waits here until the first commits or rolls back.
          const claimed = await sql`
            insert into arthur_edge_requests (idempotency_key, function_name, request)
            values (${key}, ${name}, ${sql.json(payload as never)})
            on conflict (idempotency_key) do nothing
            returning idempotency_key`;
          if (claimed.length === 0) {
            const [stored] = await sql<{ function_name: string; response: unknown }[]>`
              select function_name, response from arthur_edge_requests where idempotency_key = ${key}`;
            if (stored?.function_name !== name) {
              throw new LocalEdgeError(422, `Idempotency key ${key} was used for another function`);
            }
            return stored.response;
          }
        }
        const response = await handler(sql, body, options.caller ?? null);
        if (key) {
          await sql`update arthur_edge_requests set response = ${sql.json(response as never)}
                    where idempotency_key = ${key}`;
        }
        return response;
      })) as T;
    } catch (error) {
      if (error instanceof LocalEdgeError) {
        throw new ToolError("UPSTREAM", `Edge Function ${name} answered ${error.status}: ${error.message}`, {
          function: name,
          status: error.status,
        });
      }
      throw error;
    }
  }
}

/** A refusal the real function would answer with a 4xx status and `{error}`. */
class LocalEdgeError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

type LocalHandler = (
  sql: Sql,
  payload: Record<string, unknown>,
  caller: Caller | null,
) => Promise<Record<string, unknown>>;

function required(payload: Record<string, unknown>, fields: string[]): void {
  const missing = fields.filter((field) => {
    const value = payload[field];
    return value === undefined || value === null || value === "";
  });
  if (missing.length > 0) throw new LocalEdgeError(400, `Missing required fields: ${missing.join(", ")}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sender(caller: Caller | null): string {
  return caller ? `arthur:${caller.userId}` : "arthur";
}

/** `admin-send-invitation` (§7.1), accepting the service role as the demo decision says. */
const sendInvitation: LocalHandler = async (sql, payload, caller) => {
  required(payload, ["artist_number", "event_eid", "message_from_producer"]);
  const artistNumber = String(payload.artist_number);
  const eventEid = String(payload.event_eid);
  // One invitation per (artist, event), even when two requests race.
  await sql`select pg_advisory_xact_lock(hashtext(${`invite:${artistNumber}:${eventEid}`}))`;
  const [existing] = await sql`
    select 1 from artist_invitations where artist_number = ${artistNumber} and event_eid = ${eventEid}`;
  if (existing) {
    throw new LocalEdgeError(400, `Artist ${artistNumber} has already been invited to ${eventEid}`);
  }
  let artistProfileId = typeof payload.artist_profile_id === "string" ? payload.artist_profile_id : null;
  if (!artistProfileId || !UUID.test(artistProfileId)) {
    const [byEntry] = await sql<{ id: string }[]>`
      select id from artist_profiles where entry_id::text = ${artistNumber} and superseded_by is null limit 1`;
    artistProfileId = byEntry?.id ?? null;
  }
  const sentAt = new Date().toISOString();
  const [invitation] = await sql`
    insert into artist_invitations
      (artist_number, event_eid, message_from_producer, artist_profile_id, status, entry_date, metadata)
    values (${artistNumber}, ${eventEid}, ${String(payload.message_from_producer)}, ${artistProfileId},
            'pending', now(), ${sql.json({ sent_by: sender(caller), sent_at: sentAt })})
    returning id, artist_number, event_eid, artist_profile_id, status, created_at`;
  return {
    success: true,
    invitation,
    email: { success: false, skipped: "local Edge Functions send no email" },
    message: `Invitation created for artist ${artistNumber} for event ${eventEid} (no email sent by the local demo)`,
  };
};

/** `process-artist-payment` (§7.2): one payout to one artist with a ready payout account. */
const processArtistPayment: LocalHandler = async (sql, payload, caller) => {
  required(payload, ["artist_profile_id", "amount"]);
  const artistId = String(payload.artist_profile_id);
  const amount = String(payload.amount);
  if (!UUID.test(artistId)) throw new LocalEdgeError(400, "artist_profile_id must be a uuid");
  if (!/^\d+(\.\d{1,2})?$/.test(amount) || Number(amount) <= 0) {
    throw new LocalEdgeError(400, "amount must be a positive amount with at most two decimals");
  }
  const currency = String(payload.currency ?? "USD").toUpperCase();
  const eventId = typeof payload.event_id === "string" ? payload.event_id : null;
  const [artist] = await sql<{ name: string; recipient: string | null; account_id: string | null }[]>`
    select ap.name, g.stripe_recipient_id as recipient, g.id as account_id
    from artist_profiles ap
    left join artist_global_payments g on g.artist_profile_id = ap.id and g.status = 'ready'
    where ap.id = ${artistId}`;
  if (!artist) throw new LocalEdgeError(404, "Artist profile not found");
  if (!artist.recipient) {
    throw new LocalEdgeError(400, `${artist.name} has no ready payout account (artist_global_payments)`);
  }
  let artwork: { id: string; art_code: string } | undefined;
  if (eventId) {
    [artwork] = await sql<{ id: string; art_code: string }[]>`
      select id, art_code from art
      where event_id = ${eventId} and artist_id = ${artistId} and status = 'paid'
      order by art_code limit 1`;
    if (!artwork) throw new LocalEdgeError(400, `${artist.name} has no paid artwork at that event`);
  }
  const createdBy = sender(caller);
  const [payment] = await sql<{ id: string }[]>`
    insert into artist_payments
      (artist_profile_id, art_id, gross_amount, net_amount, currency, status, payment_type, payment_method,
       description, created_by, metadata)
    values (${artistId}, ${artwork?.id ?? null}, ${amount}, ${amount}, ${currency}, 'processing', 'automated',
            'stripe', ${String(payload.description ?? "Artist payment")}, ${createdBy},
            ${sql.json({
              created_via: "arthur",
              created_by: createdBy,
              event_id: eventId,
              representative_art_id: artwork?.id ?? null,
              representative_art_code: artwork?.art_code ?? null,
              stripe_account_id: artist.recipient,
              idempotency_key: typeof payload.idempotency_key === "string" ? payload.idempotency_key : null,
            })})
    returning id`;
  return {
    success: true,
    payment_id: payment?.id,
    amount,
    currency,
    artist_name: artist.name,
    status: "processing",
    message: `Payment of ${amount} ${currency} to ${artist.name} is processing`,
  };
};

/** `send-payment-setup-reminder` (§7.3): queue one reminder to the artist to set up payouts. */
const sendPaymentSetupReminder: LocalHandler = async (sql, payload, caller) => {
  required(payload, ["artist_profile_id", "artist_name"]);
  const method = payload.reminder_type === "sms" ? "sms" : "email";
  const destination = method === "sms" ? payload.artist_phone : payload.artist_email;
  if (typeof destination !== "string" || destination.length === 0) {
    throw new LocalEdgeError(
      400,
      `No ${method === "sms" ? "phone number" : "email address"} for this artist`,
    );
  }
  const events = Array.isArray(payload.recent_events) ? payload.recent_events.map(String) : [];
  const body =
    `Hi ${String(payload.artist_name)}, you have Art Battle earnings waiting` +
    `${events.length > 0 ? ` from ${events.join(", ")}` : ""}. Set up your payout account to receive them.`;
  const [queued] = await sql<{ id: string }[]>`
    insert into message_queue (channel, destination, message_body, metadata, status, priority, send_immediately)
    values (${method}, ${destination}, ${body},
            ${sql.json({
              type: "payment_setup_reminder",
              artist_profile_id: String(payload.artist_profile_id),
              entry_id: (payload.entry_id as number | null) ?? null,
              recent_events: events,
              idempotency_key: typeof payload.idempotency_key === "string" ? payload.idempotency_key : null,
            })}, 'pending', 2, true)
    returning id`;
  await sql`
    insert into payment_setup_invitations
      (artist_profile_id, invitation_method, recipient_email, recipient_phone, sent_by, invitation_type,
       message_content, delivery_metadata)
    values (${String(payload.artist_profile_id)}, ${method},
            ${method === "email" ? destination : null}, ${method === "sms" ? destination : null},
            ${sender(caller)}, 'reminder', ${body}, ${sql.json({ message_queue_id: queued?.id ?? null })})`;
  return {
    success: true,
    message: `Payment setup reminder queued by ${method}`,
    method,
    destination,
    message_queue_id: queued?.id,
  };
};

const HANDLERS: Partial<Record<EdgeFunctionName, LocalHandler>> = {
  "admin-send-invitation": sendInvitation,
  "process-artist-payment": processArtistPayment,
  "send-payment-setup-reminder": sendPaymentSetupReminder,
};
