/** Seeded randomness and data splits, so every training and evaluation run is reproducible. */

/** mulberry32: a small, fast, seedable generator of floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

function groupIndices(labels: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  });
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Stratified split of indices: in every label, `round(n × testFraction)` items go to the test side
 * (a label with a single item stays on the training side).
 */
export function stratifiedSplit(labels: readonly string[], testFraction: number, seed: number): { train: number[]; test: number[] } {
  const random = createRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const idx of groupIndices(labels).values()) {
    const order = shuffled(idx, random);
    const nTest = order.length < 2 ? 0 : Math.round(order.length * testFraction);
    test.push(...order.slice(0, nTest));
    train.push(...order.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/** Stratified k-fold: fold number (0..k-1) of every index. */
export function stratifiedFolds(labels: readonly string[], k: number, seed: number): number[] {
  const random = createRandom(seed);
  const fold = new Array<number>(labels.length).fill(0);
  let offset = 0;
  for (const idx of groupIndices(labels).values()) {
    shuffled(idx, random).forEach((i, j) => {
      fold[i] = (j + offset) % k;
    });
    offset += idx.length;
  }
  return fold;
}
