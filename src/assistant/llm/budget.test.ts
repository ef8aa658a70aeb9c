import { describe, expect, it } from "vitest";
import { fitToBudget } from "./budget.ts";

describe("fitToBudget", () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({ id: i, note: `row ${i} `.repeat(5) }));

  it("leaves a result that fits untouched", () => {
    const small = { total: 3, rows: rows.slice(0, 3) };
    expect(fitToBudget(small, 5_000)).toEqual({ text: JSON.stringify(small), shortened: false });
  });

  it("keeps the first items of long lists and says how many were left out", () => {
    const { text, shortened } = fitToBudget({ total: 120, rows }, 2_000);
    expect(shortened).toBe(true);
    expect(text.length).toBeLessThanOrEqual(2_000);
    const parsed = JSON.parse(text) as { total: number; rows: unknown[] };
    expect(parsed.total).toBe(120);
    expect(parsed.rows[0]).toEqual(rows[0]);
    expect(parsed.rows.at(-1)).toMatch(new RegExp(`^… ${120 - (parsed.rows.length - 1)} more not shown$`));
  });

  it("shortens long strings next, and cuts the text only as a last resort", () => {
    const long = { message: "x".repeat(5_000) };
    const { text } = fitToBudget(long, 1_000);
    expect(JSON.parse(text).message).toMatch(/^x{300}… \(4700 characters more\)$/);
    const tiny = fitToBudget({ rows }, 40);
    expect(tiny.text.length).toBeLessThanOrEqual(40);
    expect(tiny.text.endsWith("… (cut to fit)")).toBe(true);
  });
});
