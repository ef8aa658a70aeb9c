import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackClient, SlackApiError, type SlackClient } from "../../src/slack/index.ts";
import { type FakeSlack, startFakeSlack } from "../helpers/fake-slack.ts";

let fake: FakeSlack;
let slack: SlackClient;

beforeAll(async () => {
  fake = await startFakeSlack({ channels: { C0NOTMEMBER1: "not_member", C0MISSING001: "missing" } });
  slack = createSlackClient({ token: fake.token, apiUrl: fake.apiUrl, retries: 0 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

/** A PNG-shaped payload with every byte value in it, so any re-encoding would show. */
function samplePng(): Buffer {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  return Buffer.concat([signature, all, randomBytes(20_000)]);
}

async function failure(call: Promise<unknown>): Promise<SlackApiError> {
  const outcome = await call.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof SlackApiError))
    throw new Error(`expected a SlackApiError, got ${String(outcome)}`);
  return outcome;
}

/** A minimal chart upload to `channel`, for the failure cases. */
function uploadTo(channel: string) {
  return slack.uploadChart({ channel, filename: "a.png", title: "a", initialComment: "", png: samplePng() });
}

describe("uploadChart", () => {
  it("asks for an upload URL, sends the bytes there, then completes the upload in the channel", async () => {
    const png = samplePng();
    const result = await slack.uploadChart({
      channel: "C0123456789",
      filename: "AB4125-ticket-pace-2026-12-01.png",
      title: "Ticket Pace: AB4125 — San Francisco",
      initialComment: "*AB4125* San Francisco\nTickets: *120*",
      png,
    });

    expect(fake.methods()).toEqual(["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]);
    const [getUrl] = fake.callsTo("files.getUploadURLExternal");
    expect(getUrl?.token).toBe(fake.token);
    expect(getUrl?.params).toMatchObject({
      filename: "AB4125-ticket-pace-2026-12-01.png",
      length: String(png.length),
    });

    const [upload] = fake.uploads;
    expect(result.fileId).toBe(upload?.fileId);
    expect(result.permalink).toContain(upload?.fileId);
    expect(upload?.bytes?.equals(png)).toBe(true);
    expect(upload).toMatchObject({
      channel: "C0123456789",
      filename: "AB4125-ticket-pace-2026-12-01.png",
      title: "Ticket Pace: AB4125 — San Francisco",
      initialComment: "*AB4125* San Francisco\nTickets: *120*",
      threadTs: null,
    });
  });

  it("posts into a thread when asked", async () => {
    await slack.uploadChart({
      channel: "C0123456789",
      threadTs: "1733000000.000100",
      filename: "chart.png",
      title: "Chart",
      initialComment: "here",
      png: samplePng(),
    });
    expect(fake.uploads[0]?.threadTs).toBe("1733000000.000100");
  });

  it("reports Slack's error code: the bot is not in the channel, or the channel does not exist", async () => {
    const notIn = await failure(uploadTo("C0NOTMEMBER1"));
    expect(notIn.code).toBe("not_in_channel");
    expect(notIn.permanent).toBe(true);
    const missing = await failure(uploadTo("C0MISSING001"));
    expect(missing.code).toBe("channel_not_found");
  });

  it("reports invalid_auth for a wrong token and never puts the token in the message", async () => {
    const wrong = createSlackClient({ token: "xoxb-wrong-secret-token", apiUrl: fake.apiUrl, retries: 0 });
    const error = await failure(
      wrong.uploadChart({
        channel: "C0123456789",
        filename: "a.png",
        title: "a",
        initialComment: "",
        png: samplePng(),
      }),
    );
    expect(error.code).toBe("invalid_auth");
    expect(error.permanent).toBe(true);
    expect(error.message).not.toContain("xoxb-wrong-secret-token");
    expect(fake.methods()).toEqual(["files.getUploadURLExternal"]);
  });

  it("marks server-side failures as worth retrying", async () => {
    fake.failNext("files.completeUploadExternal", { error: "internal_error" });
    const error = await failure(uploadTo("C0123456789"));
    expect(error.code).toBe("internal_error");
    expect(error.permanent).toBe(false);

    fake.failNext("upload", { status: 500, error: "boom" });
    const upload = await failure(uploadTo("C0123456789"));
    expect(upload.code).toBe("http_500");
    expect(upload.permanent).toBe(false);
  });
});

describe("postMessage", () => {
  it("posts text and returns the message ts", async () => {
    const posted = await slack.postMessage({ channel: "C0123456789", text: "hello" });
    expect(posted.channel).toBe("C0123456789");
    expect(fake.messages).toEqual([
      { channel: "C0123456789", ts: posted.ts, text: "hello", threadTs: null, blocks: null },
    ]);
    const error = await failure(slack.postMessage({ channel: "C0NOTMEMBER1", text: "hi" }));
    expect(error.code).toBe("not_in_channel");
  });
});
