/**
 * Exact decimal arithmetic on the amounts Eventbrite sends as text (`major_value`, e.g. "34.50"),
 * so money is never summed as floating point. Only what the totals need: sums, differences and
 * whole-number multiples.
 */

interface Scaled {
  units: bigint;
  scale: number;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function parse(text: string): Scaled {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new Error(`not a decimal amount: "${text}"`);
  const [, sign, whole, fraction = ""] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign === "-" ? -units : units, scale: fraction.length };
}

function rescale(value: Scaled, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const body = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${body}` : body;
}

/** Is `text` a plain decimal such as "12", "12.5" or "-0.25"? */
export function isDecimal(text: unknown): text is string {
  return typeof text === "string" && DECIMAL.test(text.trim());
}

/** The exact sum, with at least `minScale` decimals (2 by default: "0.00" for nothing). */
export function sumDecimals(values: readonly string[], minScale = 2): string {
  const parsed = values.map(parse);
  const scale = Math.max(minScale, ...parsed.map((p) => p.scale));
  return format(
    parsed.reduce((total, p) => total + rescale(p, scale), 0n),
    scale,
  );
}

/** a − b, exactly. */
export function subtractDecimal(a: string, b: string, minScale = 2): string {
  const [x, y] = [parse(a), parse(b)];
  const scale = Math.max(minScale, x.scale, y.scale);
  return format(rescale(x, scale) - rescale(y, scale), scale);
}

/** value × n for a whole number n, exactly. */
export function multiplyDecimal(value: string, n: number, minScale = 2): string {
  if (!Number.isInteger(n)) throw new Error(`not a whole number: ${n}`);
  const x = parse(value);
  const scale = Math.max(minScale, x.scale);
  return format(rescale(x, scale) * BigInt(n), scale);
}

/** Compare two decimals: negative, 0 or positive like a sort comparator. */
export function compareDecimals(a: string, b: string): number {
  const [x, y] = [parse(a), parse(b)];
  const scale = Math.max(x.scale, y.scale);
  const diff = rescale(x, scale) - rescale(y, scale);
  return diff === 0n ? 0 : diff < 0n ? -1 : 1;
}
