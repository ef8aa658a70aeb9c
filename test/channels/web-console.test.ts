import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Assistant, InProcessToolPort, TOOL_HINTS, ToolIndex } from "../../src/assistant/index.ts";
import { newConsoleToken, type RunningConsole, startConsole } from "../../src/channels/index.ts";
import { createLogger } from "../../src/observability/index.ts";
import { keepChartedShowsAhead, useTestDatabase } from "../helpers/db.ts";
import { useGateway } from "../helpers/gateway.ts";

const db = useTestDatabase();
// The real gateway over HTTP: chart images are fetched by the browser from its signed links.
const gateway = useGateway(db, { ENABLE_MUTATING_TOOLS: "true" });
const token = newConsoleToken();
const SCREENSHOT = resolve("test-results/web-console.png");

let web: RunningConsole;
let browser: Browser;
let page: Page;
/** Errors the page's own script threw (a syntax slip in the inline script shows up here first). */
const pageErrors: string[] = [];

/** What the API returns for an answer (the fields the test reads). */
interface ApiAnswer {
  text: string;
  tools: { tool: string; arguments: Record<string, unknown>; ok: boolean; pending: boolean }[];
  pendingApprovals: { approvalId: string; tool: string; arguments: Record<string, unknown> }[];
}

beforeAll(async () => {
  await keepChartedShowsAhead(db.sql);
  const registry = gateway.service.gateway.registry;
  const assistant = new Assistant({
    sql: db.sql,
    registry,
    index: new ToolIndex(registry.list(), TOOL_HINTS),
    tools: new InProcessToolPort(gateway.service.gateway),
  });
  web = await startConsole({
    assistant,
    token,
    logger: createLogger("silent"),
    host: "127.0.0.1",
    port: 0,
    imageOrigins: [gateway.url],
  });
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(
      `The web console test drives Debian's Chromium, not found at ${executablePath}: apt-get install chromium, or set CHROMIUM_PATH`,
    );
  }
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

function api(path: string, init: { token?: string | null; body?: string; method?: string } = {}) {
  const auth = init.token === undefined ? token : init.token;
  return fetch(`${web.url}${path}`, {
    method: init.method ?? "POST",
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

async function actAs(user: string, role: string): Promise<void> {
  await page.getByTestId("user-input").fill(user);
  await page.getByTestId("role-select").selectOption(role);
}

async function newThread(): Promise<void> {
  await page.getByTestId("thread-new").click();
  await page.getByTestId("message-arthur").first().waitFor({ state: "detached" });
}

/** Ask in the page as a person would; resolves with the answer the API sent once it is shown. */
async function ask(question: string): Promise<ApiAnswer> {
  const shown = await page.getByTestId("message-arthur").count();
  const response = page.waitForResponse((r) => r.url().endsWith("/api/ask"));
  await page.getByTestId("message-input").fill(question);
  await page.getByTestId("send-button").click();
  const { answer } = (await (await response).json()) as { answer: ApiAnswer };
  await page.getByTestId("message-arthur").nth(shown).waitFor();
  return answer;
}

/** Click a button of the latest approval card; resolves with the answer shown after it. */
async function settle(button: "approve-button" | "cancel-button"): Promise<ApiAnswer> {
  const shown = await page.getByTestId("message-arthur").count();
  const response = page.waitForResponse((r) => r.url().includes("/api/approvals/"));
  await page.getByTestId(button).last().click();
  const { answer } = (await (await response).json()) as { answer: ApiAnswer };
  await page.getByTestId("message-arthur").nth(shown).waitFor();
  return answer;
}

const latestAnswer = () => page.getByTestId("message-arthur").last();

/**
 * Owed per artist for one event, computed here from the seeded rows (as test/packs/payments does):
 * the artist's share of paid art minus that event's payments paid, verified or in flight.
 */
async function owedFor(eid: string) {
  return db.sql<{ artist: string; currency: string; owed: string }[]>`
    with ev as (select id, currency, artist_auction_portion as portion from events where eid = ${eid}),
    artists as (
      select distinct a.artist_id from art a, ev where a.event_id = ev.id and a.status in ('sold', 'paid')),
    figures as (
      select x.artist_id, ev.currency,
        (select coalesce(sum(coalesce(a.final_price, a.current_bid, 0) * ev.portion), 0) from art a
          where a.event_id = ev.id and a.artist_id = x.artist_id and a.status = 'paid') as earned,
        (select coalesce(sum(p.gross_amount), 0) from artist_payments p left join art pa on pa.id = p.art_id
          where p.artist_profile_id = x.artist_id and p.currency = ev.currency
            and p.status in ('paid', 'verified', 'pending', 'processing')
            and coalesce(pa.event_id::text, p.metadata->>'event_id') = ev.id::text) as settled
      from artists x, ev)
    select ap.name as artist, f.currency, round(f.earned - f.settled, 2)::text as owed
    from figures f join artist_profiles ap on ap.id = f.artist_id
    where round(f.earned - f.settled, 2) > 0
    order by f.earned - f.settled desc`;
}

async function schedules(eid: string, channel: string): Promise<{ id: string; cadence: string }[]> {
  return db.sql<{ id: string; cadence: string }[]>`
    select id::text, cadence from esbmcp_scheduled_chart_jobs where eid = ${eid} and slack_channel_id = ${channel}`;
}

describe("the web console API", () => {
  it("serves the page with a strict CSP, and refuses a missing or wrong token and bad bodies precisely", async () => {
    const pageResponse = await fetch(`${web.url}/`);
    expect(pageResponse.status).toBe(200);
    expect(pageResponse.headers.get("content-type")).toContain("text/html");
    const csp = pageResponse.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`img-src 'self' ${new URL(gateway.url).origin}`);
    expect(csp).not.toContain("unsafe-inline");
    expect(pageResponse.headers.get("x-content-type-options")).toBe("nosniff");
    expect(pageResponse.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await pageResponse.text()).not.toContain(token);

    const question = JSON.stringify({ user: "U1", role: "ops", message: "hello" });
    for (const bad of [null, "wrong-token-0123456789", `${token}x`]) {
      const refused = await errorOf(await api("/api/ask", { token: bad, body: question }));
      expect(refused).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
    }
    expect((await errorOf(await api("/api/roles", { method: "GET", token: null }))).status).toBe(401);
    const roles = await api("/api/roles", { method: "GET" });
    expect(await roles.json()).toEqual({
      roles: ["ops", "event-producer", "finance", "marketing", "viewer"],
    });

    const cases: [string, string][] = [
      ["not json", "The body must be JSON"],
      [
        JSON.stringify({ user: "U1", role: "boss", message: "" }),
        "role must be one of ops, event-producer, finance, marketing, viewer; message must not be empty",
      ],
      [JSON.stringify({ user: "U1", role: "ops" }), "message is required"],
      [
        JSON.stringify({ user: "<b>", role: "ops", message: "hi", extra: 1 }),
        "user may contain only letters, digits, '.', '_', '@' and '-'; unknown field: extra",
      ],
      [
        JSON.stringify({ user: "U1", role: "ops", message: "hi", context: [{ role: "bot", content: "x" }] }),
        "context.0.role must be user or assistant",
      ],
      ["[]", 'the body must be a JSON object: {"user", "role", "message", "context"}'],
    ];
    for (const [body, message] of cases) {
      expect(await errorOf(await api("/api/ask", { body }))).toEqual({
        status: 400,
        code: "INVALID_ARGUMENT",
        message,
      });
    }
    const badId = await errorOf(
      await api("/api/approvals/not-a-uuid/confirm", { body: JSON.stringify({ user: "U1", role: "ops" }) }),
    );
    expect(badId).toMatchObject({ status: 400, message: "approval id must be a UUID" });
    const huge = await errorOf(
      await api("/api/ask", {
        body: JSON.stringify({ user: "U1", role: "ops", message: "x".repeat(70_000) }),
      }),
    );
    expect(huge).toMatchObject({ status: 413, code: "PAYLOAD_TOO_LARGE" });
    expect((await errorOf(await api("/api/nothing-here", { method: "GET" }))).status).toBe(404);
  });
});

describe("the web console in headless Chromium", () => {
  it("takes the token from the link, then answers a finance question with the owed amounts and its tools", async () => {
    await page.goto(`${web.url}/?token=${encodeURIComponent(token)}`);
    await page.waitForSelector("body[data-ready=true]", { timeout: 10_000 });
    expect(pageErrors).toEqual([]);
    // The token leaves the address bar (and so the history) at once.
    expect(page.url()).toBe(`${web.url}/`);
    await actAs("U-console-fin", "finance");
    await newThread();

    const answer = await ask("who is still owed money for AB4001?");
    const owed = await owedFor("AB4001");
    expect(owed.length).toBeGreaterThan(0);
    const shown = (await latestAnswer().textContent()) ?? "";
    for (const row of owed) expect(shown).toContain(`${row.artist}: ${row.currency} ${row.owed} owed`);
    const currency = owed[0]?.currency;
    const cents = owed.reduce((sum, row) => sum + Math.round(Number(row.owed) * 100), 0);
    expect(shown).toContain(`${currency}: ${owed.length} owed ${currency} ${(cents / 100).toFixed(2)}`);

    // The Tools list names exactly the tools the API says ran.
    expect(answer.tools.map((t) => t.tool)).toContain("get_artists_owed");
    const toolList = latestAnswer().getByTestId("tool-list");
    await toolList.locator("summary").click();
    const calls = await toolList.getByTestId("tool-call").allInnerTexts();
    expect(calls.map((c) => c.split(/\s/)[0])).toEqual(answer.tools.map((t) => t.tool));
    expect(calls[0]).toContain('"eid": "AB4001"');
    expect(await page.getByTestId("thread-item").first().textContent()).toBe(
      "who is still owed money for AB4001?",
    );

    // Whatever is typed (or answered) is shown as text, never as markup.
    const markup = '<img src="x" data-probe="1"> what is <b data-probe="2">this</b>?';
    await ask(markup);
    expect(await page.locator("[data-probe]").count()).toBe(0);
    expect(await page.getByTestId("message-user").last().textContent()).toContain(markup);
  });

  it("runs an approved write exactly once, and a cancelled one not at all", async () => {
    await actAs("U-console-mkt", "marketing");
    await newThread();
    expect(await schedules("AB4125", "C0MKTG0125")).toEqual([]);
    const asked = await ask("Schedule the AB4125 ticket chart to autopost in channel C0MKTG0125 daily");
    expect(asked.pendingApprovals.map((p) => p.tool)).toEqual(["schedule_chart_autopost"]);
    const approvalId = asked.pendingApprovals[0]?.approvalId ?? "";
    expect(await latestAnswer().getByTestId("approval-card").getAttribute("data-approval-id")).toBe(
      approvalId,
    );
    // Asking is not doing: nothing is written before the click.
    expect(await schedules("AB4125", "C0MKTG0125")).toEqual([]);

    const [before] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from esbmcp_scheduled_chart_jobs`;
    const ran = await settle("approve-button");
    expect(ran.tools.map((t) => [t.tool, t.ok, t.pending])).toEqual([
      ["schedule_chart_autopost", true, false],
    ]);
    const created = await schedules("AB4125", "C0MKTG0125");
    expect(created).toEqual([{ id: expect.any(String), cadence: "daily" }]);
    const [after] = await db.sql<{ n: number }[]>`select count(*)::int as n from esbmcp_scheduled_chart_jobs`;
    expect((after?.n ?? 0) - (before?.n ?? 0)).toBe(1);
    const said = (await latestAnswer().textContent()) ?? "";
    expect(said).toContain("Scheduled AB4125 ticket-pace chart to C0MKTG0125, daily");
    expect(said).toContain(`Schedule id ${created[0]?.id}`);

    // The buttons are spent; the same approval sent again is refused by the gateway and changes nothing.
    const card = page.getByTestId("approval-card").first();
    expect(await card.getByTestId("approve-button").isDisabled()).toBe(true);
    expect(await card.getByTestId("cancel-button").isDisabled()).toBe(true);
    const again = await api(`/api/approvals/${approvalId}/confirm`, {
      body: JSON.stringify({ user: "U-console-mkt", role: "marketing" }),
    });
    const refused = ((await again.json()) as { answer: ApiAnswer }).answer;
    expect(refused.text).toContain("already been used");
    expect(refused.tools).toEqual([]);
    const [still] = await db.sql<{ n: number }[]>`select count(*)::int as n from esbmcp_scheduled_chart_jobs`;
    expect(still?.n).toBe(after?.n);
    const [used] = await db.sql<{ used_at: Date | null }[]>`
      select used_at from arthur_approvals where id = ${approvalId}`;
    expect(used?.used_at).toBeInstanceOf(Date);

    // A second pending write in the same thread, cancelled.
    const second = await ask("set up a weekly chart post for AB4130 in channel C05AB0EVOPS");
    expect(second.pendingApprovals.map((p) => p.tool)).toEqual(["schedule_chart_autopost"]);
    const cancelledId = second.pendingApprovals[0]?.approvalId ?? "";
    const cancelled = await settle("cancel-button");
    expect(cancelled.tools).toEqual([]);
    expect(await latestAnswer().textContent()).toContain("Nothing was changed");
    expect(await schedules("AB4130", "C05AB0EVOPS")).toEqual([]);
    const [row] = await db.sql<{ cancelled_at: Date | null; used_at: Date | null }[]>`
      select cancelled_at, used_at from arthur_approvals where id = ${cancelledId}`;
    expect(row?.cancelled_at).toBeInstanceOf(Date);
    expect(row?.used_at).toBeNull();
    const [total] = await db.sql<{ n: number }[]>`select count(*)::int as n from esbmcp_scheduled_chart_jobs`;
    expect(total?.n).toBe(after?.n);
  });

  it("shows a chart image inline, loaded from the gateway's signed link, and saves a screenshot", async () => {
    await actAs("U-console-ops", "ops");
    await newThread();
    const answer = await ask("show me the ticket pace chart for AB4125");
    expect(answer.tools.map((t) => t.tool)).toContain("generate_chart");
    const image = latestAnswer().getByTestId("chart-image");
    await image.waitFor();
    expect(await image.getAttribute("alt")).toBe("generate_chart");
    expect(await image.getAttribute("src")).toMatch(
      new RegExp(`^${gateway.url}/images/[0-9a-f-]{36}\\.png\\?`),
    );
    // Loaded and decoded by the browser: the CSP let it in and the signed link served a PNG.
    await page.waitForFunction(
      `(() => { const img = document.querySelector('[data-testid="chart-image"]');
        return Boolean(img && img.complete && img.naturalWidth > 0); })()`,
      undefined,
      { timeout: 15_000 },
    );

    // Threads stay in the tab: the first one still holds its question.
    expect(await page.getByTestId("thread-item").count()).toBe(3);

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(pageErrors).toEqual([]);
  });
});
