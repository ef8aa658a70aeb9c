import { describe, expect, it } from "vitest";
import { cadenceIntervalDays, changedEnough, computeNextRun, slotKey } from "./schedule-rules.ts";

const now = new Date("2026-03-02T15:42:10.500Z");
const daysFromNow = (days: number) => new Date(now.getTime() + days * 86_400_000);

describe("computeNextRun", () => {
  it("adds the cadence's days to today and posts at 10:00 UTC", () => {
    expect(computeNextRun(daysFromNow(60), "daily", now).toISOString()).toBe("2026-03-03T10:00:00.000Z");
    expect(computeNextRun(daysFromNow(60), "every_2_days", now).toISOString()).toBe(
      "2026-03-04T10:00:00.000Z",
    );
    expect(computeNextRun(daysFromNow(3), "weekly", now).toISOString()).toBe("2026-03-09T10:00:00.000Z");
  });

  it("auto: weekly while more than 28 days away, every 2 days while more than 7, then daily", () => {
    expect(cadenceIntervalDays(daysFromNow(29), "auto", now)).toBe(7);
    expect(cadenceIntervalDays(daysFromNow(28), "auto", now)).toBe(2);
    expect(cadenceIntervalDays(daysFromNow(7.5), "auto", now)).toBe(2);
    expect(cadenceIntervalDays(daysFromNow(7), "auto", now)).toBe(1);
    expect(cadenceIntervalDays(daysFromNow(-1), "auto", now)).toBe(1);
    expect(computeNextRun(daysFromNow(40), "auto", now).toISOString()).toBe("2026-03-09T10:00:00.000Z");
    expect(computeNextRun(daysFromNow(10), "auto", now).toISOString()).toBe("2026-03-04T10:00:00.000Z");
    expect(computeNextRun(daysFromNow(2), "auto", now).toISOString()).toBe("2026-03-03T10:00:00.000Z");
  });

  it("crosses month and year ends", () => {
    const late = new Date("2026-12-31T23:59:00Z");
    expect(computeNextRun(new Date("2027-06-01T00:00:00Z"), "weekly", late).toISOString()).toBe(
      "2027-01-07T10:00:00.000Z",
    );
    expect(computeNextRun(late, "daily", new Date("2028-02-28T09:00:00Z")).toISOString()).toBe(
      "2028-02-29T10:00:00.000Z",
    );
  });
});

describe("slotKey", () => {
  it("is the due time to the minute, in UTC", () => {
    expect(slotKey(new Date("2026-03-02T10:00:00Z"))).toBe("2026-03-02T10:00Z");
    expect(slotKey(new Date("2026-03-02T10:00:59.999Z"))).toBe("2026-03-02T10:00Z");
    expect(slotKey(new Date("2026-03-02T05:07:00-05:00"))).toBe("2026-03-02T10:07Z");
  });
});

describe("changedEnough", () => {
  it("always posts the first chart", () => {
    expect(changedEnough({ ticketCount: null, pacePerDay: null }, { ticketCount: 0, pacePerDay: 0 })).toBe(
      true,
    );
  });

  it("skips when pace moved under 5 % and tickets under 20 %", () => {
    const last = { ticketCount: 100, pacePerDay: 4 };
    expect(changedEnough(last, { ticketCount: 119, pacePerDay: 4.19 })).toBe(false);
    expect(changedEnough(last, { ticketCount: 120, pacePerDay: 4 })).toBe(true);
    expect(changedEnough(last, { ticketCount: 100, pacePerDay: 4.2 })).toBe(true);
    expect(changedEnough(last, { ticketCount: 100, pacePerDay: 3.8 })).toBe(true);
  });

  it("compares pace at two decimals and treats growth from zero as a change", () => {
    expect(changedEnough({ ticketCount: 10, pacePerDay: 1 }, { ticketCount: 10, pacePerDay: 1.0449 })).toBe(
      false,
    );
    expect(changedEnough({ ticketCount: 0, pacePerDay: 0 }, { ticketCount: 1, pacePerDay: 0.1 })).toBe(true);
    expect(changedEnough({ ticketCount: 0, pacePerDay: 0 }, { ticketCount: 0, pacePerDay: 0 })).toBe(false);
  });
});
