// Writes demo/slack-export/: a small, invented Slack workspace export (the standard export layout:
// channels.json, users.json and one folder per channel of daily YYYY-MM-DD.json files) for the demo
// and the tests. Deterministic: the same script always writes the same bytes.
//
//   node scripts/generate-slack-export.ts
//
// Everything here is made up: people, venues, numbers, email addresses (*.example) and phone
// numbers (555-01xx, the UK drama range).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const OUT = fileURLToPath(new URL("../demo/slack-export/", import.meta.url));
const TEAM = "T05AB0ARTBT";

// ---------------------------------------------------------------------------------------------------
// A small seeded random generator (mulberry32), so every run writes the same export.

let state = 20250901;
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}
const chance = (p: number) => random() < p;

// ---------------------------------------------------------------------------------------------------
// People and channels.

interface Person {
  id: string;
  name: string;
  real: string;
  display: string;
  title: string;
  tz: string;
  deleted?: boolean;
  bot?: boolean;
}

const P = {
  maria: {
    id: "U05AB0MARIA",
    name: "maria.okafor",
    real: "Maria Okafor",
    display: "Maria",
    title: "Head of Operations",
    tz: "America/Toronto",
  },
  devon: {
    id: "U05AB0DEVON",
    name: "devon.price",
    real: "Devon Price",
    display: "Devon P",
    title: "Event Producer, Toronto",
    tz: "America/Toronto",
  },
  priya: {
    id: "U05AB0PRIYA",
    name: "priya.raman",
    real: "Priya Raman",
    display: "priya",
    title: "Finance",
    tz: "America/Toronto",
  },
  luc: {
    id: "U05AB0LUCTR",
    name: "luc.tremblay",
    real: "Luc Tremblay",
    display: "Luc",
    title: "Event Producer, Montreal",
    tz: "America/Montreal",
  },
  sam: {
    id: "U05AB0SAMWH",
    name: "sam.whitaker",
    real: "Sam Whitaker",
    display: "sam w",
    title: "Marketing",
    tz: "America/Vancouver",
  },
  jin: {
    id: "U05AB0JINPK",
    name: "jin.park",
    real: "Jin Park",
    display: "Jin",
    title: "Platform Engineer",
    tz: "America/Los_Angeles",
  },
  ana: {
    id: "U05AB0ANARZ",
    name: "ana.ruiz",
    real: "Ana Ruiz",
    display: "Ana R",
    title: "Artist Relations",
    tz: "America/New_York",
  },
  tom: {
    id: "U05AB0TOMBK",
    name: "tom.becker",
    real: "Tom Becker",
    display: "Tom",
    title: "Event Producer, San Francisco",
    tz: "America/Los_Angeles",
    deleted: true,
  },
  ticketbot: {
    id: "U05AB0TIXBT",
    name: "ticketbot",
    real: "Ticket Bot",
    display: "Ticket Bot",
    title: "",
    tz: "America/Toronto",
    bot: true,
  },
} satisfies Record<string, Person>;
type Who = keyof typeof P;

/** Someone who wrote in a channel but is not in users.json (a guest from a shared channel). */
const GUEST = { id: "U05AB0GUEST", name: "riley.chen", real: "Riley Chen", display: "riley (venue)" };

const CHANNELS = [
  {
    id: "C05AB0GENRL",
    name: "general",
    purpose: "Company-wide announcements and questions",
    creator: "maria",
    general: true,
  },
  {
    id: "C05AB0EVOPS",
    name: "event-ops",
    purpose: "Running shows: run of show, volunteers, artists on the night",
    creator: "maria",
  },
  {
    id: "C05AB0VENUE",
    name: "venues",
    purpose: "Venue bookings, contacts and problems on site",
    creator: "devon",
  },
  {
    id: "C05AB0PAYMT",
    name: "artist-payments",
    purpose: "Artist payouts, Stripe and payment questions",
    creator: "priya",
  },
  {
    id: "C05AB0TIXET",
    name: "ticketing",
    purpose: "Eventbrite sales, refunds and door check-in",
    creator: "sam",
  },
] as const;
type ChannelName = (typeof CHANNELS)[number]["name"];

const MEMBERS: Record<ChannelName, Who[]> = {
  general: ["maria", "devon", "priya", "luc", "sam", "jin", "ana", "tom"],
  "event-ops": ["maria", "devon", "luc", "jin", "ana", "tom"],
  venues: ["maria", "devon", "luc", "tom"],
  "artist-payments": ["maria", "priya", "ana", "jin"],
  ticketing: ["maria", "sam", "jin", "priya", "ticketbot"],
};

// ---------------------------------------------------------------------------------------------------
// Events: AB4001… spread over September to mid-December 2025.

const CITIES = [
  {
    city: "Toronto",
    producer: "devon",
    currency: "CAD",
    venues: ["The Drake Underground", "Lee's Palace", "The Great Hall"],
  },
  {
    city: "Montreal",
    producer: "luc",
    currency: "CAD",
    venues: ["Le Belmont", "Studio TD", "La Sala Rossa"],
  },
  {
    city: "San Francisco",
    producer: "tom",
    currency: "USD",
    venues: ["The Chapel", "Brick & Mortar Music Hall"],
  },
  { city: "New York", producer: "maria", currency: "USD", venues: ["Brooklyn Bazaar", "Le Poisson Rouge"] },
  { city: "Vancouver", producer: "devon", currency: "CAD", venues: ["The Imperial", "Fox Cabaret"] },
] as const;

interface Show {
  eid: string;
  city: string;
  venue: string;
  producer: Who;
  currency: string;
  day: Date;
  capacity: number;
}

const START = Date.UTC(2025, 8, 1);
const DAY = 86_400_000;
const SHOWS: Show[] = Array.from({ length: 30 }, (_, i) => {
  const place = CITIES[i % CITIES.length] as (typeof CITIES)[number];
  return {
    eid: `AB${4001 + i}`,
    city: place.city,
    venue: pick(place.venues),
    producer: place.producer as Who,
    currency: place.currency,
    day: new Date(START + Math.round(8 + i * 3.5 + int(0, 1)) * DAY),
    capacity: pick([180, 220, 250, 300, 350]),
  };
});
const show = (eid: string) => SHOWS.find((s) => s.eid === eid) as Show;
const ARTISTS = [
  "Imogen Hart",
  "Kofi Mensah",
  "Sofia Alvarez",
  "Noah Leblanc",
  "Mei Tanaka",
  "Oskar Lind",
  "Amara Diallo",
  "Ravi Sharma",
  "Chloe Dubois",
  "Mateo Rossi",
  "Hana Kim",
  "Elias Novak",
];

// ---------------------------------------------------------------------------------------------------
// Posts: a message, maybe with replies, at a given instant.

interface Reply {
  who: Who | "guest";
  text: string;
  /** Minutes after the parent. */
  after: number;
  broadcast?: boolean;
}

interface Post {
  channel: ChannelName;
  who: Who | "guest" | "eventbrite-sync";
  text: string;
  at: number;
  replies?: Reply[];
  subtype?: string;
  files?: { name: string; title: string; filetype: string }[];
}

const posts: Post[] = [];
/** Milliseconds of a UTC day and hour plus a few random minutes. */
const at = (day: Date | number, hour: number) =>
  (typeof day === "number" ? day : day.getTime()) +
  hour * 3_600_000 +
  int(0, 59) * 60_000 +
  int(0, 59) * 1000;
const dateOf = (d: Date) => d.toISOString().slice(0, 10);
const money = (n: number) =>
  n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function post(p: Post): void {
  posts.push(p);
}

// ---------------------------------------------------------------------------------------------------
// Hand-written messages the tests and the demo look for.

post({
  channel: "venues",
  who: "devon",
  text:
    `Projector at ${show("AB4006").venue} kept cutting out during round two of AB4006. Swapped to the backup ` +
    "HDMI cable and it held for the rest of the night.",
  at: at(new Date(show("AB4006").day.getTime() + DAY), 15),
  replies: [
    { who: "maria", text: "Was it the long 50 ft cable again?", after: 12 },
    { who: "devon", text: "Yes, I labelled it as faulty and left it in the gear bin.", after: 31 },
    { who: "jin", text: "Ordering two new 25 ft cables for the Toronto kit today.", after: 55 },
    {
      who: "maria",
      text: "Thanks both. Adding a cable check to the load-in checklist.",
      after: 80,
      broadcast: true,
    },
  ],
});
post({
  channel: "venues",
  who: "devon",
  text:
    `New venue contact for AB4011 at ${show("AB4011").venue} is Dana Whitfield: dana.whitfield@venues.example, ` +
    "(416) 555-0134. She prefers a text before load-in.",
  at: at(new Date(show("AB4011").day.getTime() - 9 * DAY), 17),
});
post({
  channel: "artist-payments",
  who: "ana",
  text:
    "The London agent for Imogen Hart is on +44 20 7946 0958. She wants the AB4015 payout in GBP, not CAD; " +
    "<@U05AB0PRIYA> can we do that?",
  at: at(new Date(show("AB4015").day.getTime() + 2 * DAY), 14),
  replies: [
    {
      who: "priya",
      text: "Not through Stripe Connect, payouts go in the event currency. I can send CAD and she converts.",
      after: 40,
    },
    { who: "ana", text: "Told her, she is fine with CAD.", after: 95 },
  ],
});
post({
  channel: "general",
  who: "maria",
  text:
    "<@U05AB0PRIYA> can you pin the Q4 payout schedule in <#C05AB0PAYMT|artist-payments>? Producers keep " +
    "asking. Runbook: <https://docs.artbattle.example/payouts|payout runbook> &amp; the FAQ.",
  at: at(Date.UTC(2025, 9, 6), 14),
  replies: [{ who: "priya", text: "Pinned. Payouts run Tuesdays and Fridays from now on.", after: 25 }],
});
post({
  channel: "ticketing",
  who: "sam",
  text:
    "Eventbrite event 812345678901 for AB4018 shows order 8123456789 as refunded, but the attendee still " +
    "has a working QR code at the door.",
  at: at(new Date(show("AB4018").day.getTime() - DAY), 19),
  replies: [
    {
      who: "jin",
      text: "The refund webhook arrived after the door list was cached. Re-synced AB4018, the code is void now.",
      after: 35,
    },
  ],
});
post({
  channel: "event-ops",
  who: "luc",
  text: `Floor plan for AB4012 at ${show("AB4012").venue}, easels along the east wall this time.`,
  at: at(new Date(show("AB4012").day.getTime() - 3 * DAY), 16),
  subtype: "file_share",
  files: [{ name: "ab4012-floor-plan.pdf", title: "AB4012 floor plan", filetype: "pdf" }],
});
post({
  channel: "venues",
  who: "guest",
  text: `Hi all, Riley from ${show("AB4020").venue} here. Our sound tech finishes at midnight, so the auction must close by 11:30.`,
  at: at(new Date(show("AB4020").day.getTime() - 5 * DAY), 18),
  replies: [{ who: "devon", text: "Noted, we will close bidding at 11:15 to be safe.", after: 20 }],
});
post({
  channel: "ticketing",
  who: "eventbrite-sync",
  text: "Eventbrite sync failed for AB4022: 401 Unauthorized (token expired). Sales numbers are stale.",
  at: at(new Date(show("AB4022").day.getTime() - 4 * DAY), 13),
  replies: [{ who: "jin", text: "Rotated the Eventbrite token, sync is green again.", after: 50 }],
});

// ---------------------------------------------------------------------------------------------------
// Templated traffic around every show.

const VENUE_ISSUES = [
  ["{venue} wants a certificate of insurance for {eid} by Friday.", "Sent the COI from the shared drive."],
  [
    "Wifi at {venue} could not handle the voting app during the {eid} walkthrough.",
    "Bringing the LTE hotspot for {eid}.",
  ],
  [
    "{venue} says load-in for {eid} is through the back alley, not the front doors.",
    "Added to the run of show.",
  ],
  [
    "Capacity at {venue} is {capacity} with the stage in, we oversold {eid} by a few seats.",
    "Holding the last 10 tickets.",
  ],
  [
    "It was very hot on the floor at {venue} during {eid}, two artists asked for fans.",
    "Venue promised to run the AC from 6pm next time.",
  ],
  [
    "Noise curfew at {venue} is 11pm, so {eid} has to start round one by 7:30.",
    "Moved doors to 6:30 for {eid}.",
  ],
  [
    "{venue} double-booked the room for {eid}; they offered the upstairs space instead.",
    "Upstairs works, capacity drops a little.",
  ],
] as const;

const OPS_BEFORE = [
  "Run of show for {eid} ({city}, {venue}) is up. Doors at 7, round one at 7:45.",
  "Need two more easel volunteers for {eid} on {date}.",
  "{eid} artists confirmed: 12 of 12, two alternates on standby.",
  "Paint order for {eid} placed, arriving Wednesday at {venue}.",
  "Reminder: {eid} walkthrough at {venue} the day before at 4pm.",
] as const;

const ON_THE_NIGHT = [
  "{eid} doors are open, about {line} people in line already.",
  "Round one is painting at {eid}, all easels filled.",
  "{eid}: one artist stuck in traffic, starting with the alternate.",
  "Auction is live for {eid}, bids coming in fast.",
  "Square reader at the {eid} merch table keeps dropping, taking cash for now.",
] as const;

const WRAPS = [
  "{eid} wrap: {attendees} attendees, {votes} votes, auction total {currency} {total}.",
  "Great night at {eid} in {city}. {attendees} people through the door, auction closed at {currency} {total}.",
  "{eid} done. Final auction {currency} {total}, {votes} votes cast. Thanks everyone at {venue}.",
] as const;

const PAYMENT_ISSUES = [
  [
    "Stripe payout failed for {artist} ({eid}): account not verified. Sent a setup reminder.",
    "{artist} finished verification, retrying the payout.",
  ],
  [
    "{artist} asked why the {eid} payment has shown processing for three days.",
    "Stripe held it for review; it clears tomorrow.",
  ],
  [
    "Two {eid} artists have no payout account yet, holding {currency} {amount} between them.",
    "Both set up their accounts this morning.",
  ],
  [
    "Duplicate payout alert for {artist} on {eid}. Please do not re-run the batch.",
    "Confirmed only one transfer went out, the alert was a webhook retry.",
  ],
] as const;

const SALES_NOTES = [
  "Ticket sales update: {eid} has {sold} sold of {capacity} ({pct}%).",
  "{eid} sales are slow, {sold} of {capacity}. Boosting the Instagram ad this week.",
  "{eid} is close to sold out: {sold} of {capacity}.",
] as const;

function fill(template: string, s: Show, extra: Record<string, string | number> = {}): string {
  const values: Record<string, string | number> = {
    eid: s.eid,
    city: s.city,
    venue: s.venue,
    date: dateOf(s.day),
    capacity: s.capacity,
    currency: s.currency,
    ...extra,
  };
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));
}

for (const s of SHOWS) {
  const day = s.day.getTime();
  post({ channel: "event-ops", who: s.producer, text: fill(pick(OPS_BEFORE), s), at: at(day - 7 * DAY, 15) });
  if (chance(0.5)) {
    post({
      channel: "event-ops",
      who: pick(["ana", "maria"] as const),
      text: fill(pick(OPS_BEFORE), s),
      at: at(day - 2 * DAY, 16),
    });
  }
  for (const daysBefore of [6, 2]) {
    const sold = Math.round(s.capacity * (0.35 + random() * 0.6) * (daysBefore === 2 ? 1.1 : 0.8));
    const capped = Math.min(sold, s.capacity);
    post({
      channel: "ticketing",
      who: "ticketbot",
      text: fill(pick(SALES_NOTES), s, { sold: capped, pct: Math.round((capped / s.capacity) * 100) }),
      at: at(day - daysBefore * DAY, 13),
      subtype: "bot_message",
    });
  }
  if (chance(0.8)) {
    const [issue, fix] = pick(VENUE_ISSUES);
    const threaded = chance(0.6);
    post({
      channel: "venues",
      who: s.producer,
      text: fill(issue, s),
      at: at(day - int(2, 6) * DAY, 17),
      ...(threaded
        ? {
            replies: [
              { who: pick(["maria", "devon", "luc"] as const), text: fill(fix, s), after: int(10, 240) },
            ],
          }
        : {}),
    });
  }
  if (chance(0.75)) {
    post({
      channel: "event-ops",
      who: pick([s.producer, "maria", "ana"] as const),
      text: fill(pick(ON_THE_NIGHT), s, { line: int(20, 90) }),
      at: at(day, 23),
      ...(chance(0.3)
        ? {
            replies: [
              {
                who: "jin" as const,
                text: fill("Thanks, noted for the {eid} report.", s),
                after: int(5, 40),
              },
            ],
          }
        : {}),
    });
  }
  const attendees = Math.round(s.capacity * (0.7 + random() * 0.3));
  const total = int(2400, 9800) + 0.5 * int(0, 1);
  post({
    channel: "event-ops",
    who: s.producer,
    text: fill(pick(WRAPS), s, { attendees, votes: attendees * int(3, 6), total: money(total) }),
    at: at(day + DAY, 4),
    ...(chance(0.4)
      ? { replies: [{ who: "maria" as const, text: "Nice work, thank you!", after: int(30, 600) }] }
      : {}),
  });
  post({
    channel: "artist-payments",
    who: "priya",
    text: `Payouts for ${s.eid} started: ${int(8, 12)} artists, ${s.currency} ${money(total * 0.5)} in total.`,
    at: at(day + int(2, 4) * DAY, 14),
  });
  if (chance(0.45)) {
    const [issue, fix] = pick(PAYMENT_ISSUES);
    const extra = { artist: pick(ARTISTS), amount: money(int(300, 900)) };
    post({
      channel: "artist-payments",
      who: pick(["ana", "priya", "jin"] as const),
      text: fill(issue, s, extra),
      at: at(day + int(4, 9) * DAY, 15),
      replies: [{ who: "priya", text: fill(fix, s, extra), after: int(20, 900) }],
    });
  }
}

// Weekly notes in #general and some everyday chatter.
for (let week = 0; week < 16; week++) {
  const monday = START + week * 7 * DAY;
  const upcoming = SHOWS.filter((s) => s.day.getTime() >= monday && s.day.getTime() < monday + 7 * DAY);
  const list = upcoming.map((s) => `${s.eid} ${s.city} (${dateOf(s.day)})`).join(", ");
  post({
    channel: "general",
    who: "maria",
    text: upcoming.length
      ? `Week of ${dateOf(new Date(monday))}: ${upcoming.length} show(s): ${list}.`
      : `Week of ${dateOf(new Date(monday))}: no shows, good week for admin and artist outreach.`,
    at: at(monday, 13),
  });
}
const CHATTER = [
  ["general", "sam", "New poster templates are in the marketing drive, please use them for November shows."],
  ["general", "jin", "The voting app will be down for maintenance Sunday 2am to 3am Eastern."],
  ["general", "ana", "Artist call for winter shows is open, share the form with anyone who paints live."],
  ["general", "priya", "Expense reports for October are due on the 5th."],
  ["event-ops", "maria", "Please log every incident on the night in the incident form, not only in Slack."],
  ["event-ops", "jin", "Door scanner app v2.3 is out; update the tablets before your next show."],
  ["ticketing", "sam", "Student discount code ARTSTUDENT works for all Canadian shows this season."],
  ["ticketing", "priya", "Eventbrite fees went up 0.5% this month, adjusting the price sheet."],
  ["artist-payments", "jin", "The payout dashboard now shows failed transfers in red."],
  ["venues", "maria", "Keep the venue contact sheet current; it is the first place producers look."],
] as const;
CHATTER.forEach(([channel, who, text], i) => {
  post({ channel, who, text, at: at(START + (5 + i * 10) * DAY, 18) });
});

// ---------------------------------------------------------------------------------------------------
// Turn posts into Slack message objects, with unique timestamps and thread bookkeeping.

interface SlackMessage {
  [key: string]: unknown;
  ts: string;
}

let micro = 100;
function tsOf(ms: number): string {
  micro = (micro + 37) % 1_000_000;
  return `${Math.floor(ms / 1000)}.${String(micro).padStart(6, "0")}`;
}

function author(who: Post["who"]): Record<string, unknown> {
  if (who === "eventbrite-sync")
    return { subtype: "bot_message", bot_id: "B05AB0EVSYN", username: "Eventbrite Sync" };
  const person = who === "guest" ? GUEST : P[who];
  return {
    user: person.id,
    team: TEAM,
    user_profile: {
      real_name: person.real,
      display_name: person.display,
      name: person.name,
      first_name: person.real.split(" ")[0],
      is_restricted: who === "guest",
    },
  };
}

const byChannel = new Map<ChannelName, SlackMessage[]>();
const add = (channel: ChannelName, message: SlackMessage) => {
  const list = byChannel.get(channel) ?? [];
  list.push(message);
  byChannel.set(channel, list);
};

for (const c of CHANNELS) {
  MEMBERS[c.name].forEach((who, i) => {
    const user = P[who];
    add(c.name, {
      type: "message",
      subtype: "channel_join",
      ts: tsOf(START - 3 * DAY + i * 600_000),
      user: user.id,
      text: `<@${user.id}> has joined the channel`,
    });
  });
}

for (const p of posts.sort((a, b) => a.at - b.at)) {
  const ts = tsOf(p.at);
  const message: SlackMessage = { type: "message", ts, text: p.text, ...author(p.who) };
  if (p.who === "ticketbot") {
    Object.assign(message, { subtype: "bot_message", bot_id: "B05AB0TIXBT", username: "Ticket Bot" });
  }
  if (p.subtype) message.subtype = p.subtype;
  if (p.files)
    message.files = p.files.map((f, i) => ({ id: `F05AB0${ts.slice(-4)}${i}`, ...f, mode: "hosted" }));
  if (p.replies?.length) {
    const replies = p.replies.map((r) => ({ ...r, ts: tsOf(p.at + r.after * 60_000) }));
    const users = [...new Set(replies.map((r) => (r.who === "guest" ? GUEST.id : P[r.who].id)))];
    Object.assign(message, {
      thread_ts: ts,
      reply_count: replies.length,
      reply_users_count: users.length,
      latest_reply: replies.at(-1)?.ts,
      reply_users: users,
      replies: replies.map((r) => ({ user: r.who === "guest" ? GUEST.id : P[r.who].id, ts: r.ts })),
    });
    for (const r of replies) {
      add(p.channel, {
        type: "message",
        ts: r.ts,
        text: r.text,
        ...author(r.who),
        thread_ts: ts,
        parent_user_id: message.user,
        ...(r.broadcast ? { subtype: "thread_broadcast" } : {}),
      });
    }
  }
  add(p.channel, message);
}

// ---------------------------------------------------------------------------------------------------
// Write the export.

/**
 * JSON laid out the way the repository's formatter (Biome, 110 columns) lays it out, so
 * `biome check` leaves the files alone: objects one key per line, lists of plain values on one line
 * when they fit.
 */
function json(value: unknown): string {
  const write = (v: unknown, indent: string, prefix: string, suffix: string): string => {
    const pad = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return "[]";
      if (v.every((item) => item === null || typeof item !== "object")) {
        const inline = `[${v.map((item) => JSON.stringify(item)).join(", ")}]`;
        if (indent.length + prefix.length + inline.length + suffix.length <= 110) return inline;
      }
      const items = v.map((item, i) => pad + write(item, pad, "", i < v.length - 1 ? "," : ""));
      return `[\n${items.join(",\n")}\n${indent}]`;
    }
    if (v !== null && typeof v === "object") {
      const entries = Object.entries(v).filter(([, inner]) => inner !== undefined);
      if (entries.length === 0) return "{}";
      const lines = entries.map(([key, inner], i) => {
        const head = `${JSON.stringify(key)}: `;
        return pad + head + write(inner, pad, head, i < entries.length - 1 ? "," : "");
      });
      return `{\n${lines.join(",\n")}\n${indent}}`;
    }
    return JSON.stringify(v);
  };
  return `${write(value, "", "", "")}\n`;
}
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const created = Math.floor((START - 10 * DAY) / 1000);
writeFileSync(
  join(OUT, "channels.json"),
  json(
    CHANNELS.map((c) => ({
      id: c.id,
      name: c.name,
      created,
      creator: P[c.creator].id,
      is_archived: false,
      is_general: "general" in c,
      members: MEMBERS[c.name].map((who) => P[who].id),
      topic: { value: "", creator: "", last_set: 0 },
      purpose: { value: c.purpose, creator: P[c.creator].id, last_set: created },
    })),
  ),
);

writeFileSync(
  join(OUT, "users.json"),
  json(
    Object.values(P).map((p: Person) => ({
      id: p.id,
      team_id: TEAM,
      name: p.name,
      deleted: p.deleted ?? false,
      real_name: p.real,
      tz: p.tz,
      profile: {
        title: p.title,
        real_name: p.real,
        display_name: p.display,
        email: p.bot ? undefined : `${p.name}@artbattle.example`,
        first_name: p.real.split(" ")[0],
        last_name: p.real.split(" ").slice(1).join(" "),
      },
      is_admin: p.id === P.maria.id,
      is_bot: p.bot ?? false,
      is_app_user: false,
    })),
  ),
);

// Exports carry files Arthur does not read; the importer skips them.
writeFileSync(
  join(OUT, "integration_logs.json"),
  json([
    { service_name: "Eventbrite Sync", date: String(created), change_type: "added", user_name: "jin.park" },
  ]),
);

let files = 0;
let messages = 0;
for (const [channel, list] of byChannel) {
  const days = new Map<string, SlackMessage[]>();
  for (const m of list.sort((a, b) => Number(a.ts) - Number(b.ts))) {
    const day = new Date(Number(m.ts.split(".")[0]) * 1000).toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), m]);
  }
  mkdirSync(join(OUT, channel), { recursive: true });
  for (const [day, dayMessages] of days) {
    writeFileSync(join(OUT, channel, `${day}.json`), json(dayMessages));
    files++;
    messages += dayMessages.length;
  }
}
console.log(`wrote ${OUT}: ${CHANNELS.length} channels, ${files} day files, ${messages} messages`);
