import type { Rng } from "./random.ts";

/**
 * Split `total` into integer parts proportional to `weights` (largest remainder), so the parts
 * always sum to exactly `total`. This is how headline volumes hit their targets without luck.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + Math.max(0, b), 0);
  if (total <= 0 || sum <= 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * Math.max(0, w)) / sum);
  const parts = raw.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left--;
  }
  return parts;
}

/** Weighted choice by binary search over a cumulative table: O(log n) per draw. */
export class WeightedPicker<T> {
  readonly #items: readonly T[];
  readonly #cumulative: Float64Array;

  constructor(items: readonly T[], weights: readonly number[]) {
    if (items.length === 0) throw new Error("WeightedPicker needs at least one item");
    this.#items = items;
    this.#cumulative = new Float64Array(items.length);
    let running = 0;
    for (let i = 0; i < items.length; i++) {
      running += Math.max(0, weights[i] ?? 0);
      this.#cumulative[i] = running;
    }
  }

  pick(rng: Rng): T {
    const total = this.#cumulative[this.#cumulative.length - 1] ?? 0;
    const roll = rng.next() * total;
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#cumulative[mid] ?? 0) > roll) hi = mid;
      else lo = mid + 1;
    }
    return this.#items[lo] as T;
  }
}

/**
 * `count` distinct indices, drawn mostly from `local` (biased towards its front, where the
 * "regulars" sit) and otherwise from the whole population [0, population). Falls back to a scan
 * when random draws keep colliding, so it always returns min(count, population) indices.
 */
export function pickDistinct(
  rng: Rng,
  count: number,
  local: readonly number[],
  population: number,
  localShare: number,
  exclude?: ReadonlySet<number>,
): number[] {
  const want = Math.min(count, population - (exclude?.size ?? 0));
  const chosen = new Set<number>();
  const out: number[] = [];
  const take = (index: number) => {
    if (chosen.has(index) || exclude?.has(index)) return;
    chosen.add(index);
    out.push(index);
  };
  let attempts = want * 12 + 20;
  while (out.length < want && attempts-- > 0) {
    if (local.length > 0 && rng.next() < localShare) {
      // u^1.5 favours the front of the local list: the same people come back event after event.
      take(local[Math.floor(local.length * rng.next() ** 1.5)] as number);
    } else {
      take(Math.floor(rng.next() * population));
    }
  }
  for (let i = 0; out.length < want && i < population; i++) take(i);
  return out;
}

/** Random split of `total` into `parts` non-negative integers with weights drawn from `rng`. */
export function randomSplit(rng: Rng, total: number, parts: number, spread = 1): number[] {
  const weights = Array.from({ length: parts }, () => 0.2 + rng.next() * spread);
  return apportion(total, weights);
}
