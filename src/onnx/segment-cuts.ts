// Choosing where to cut: given per-node costs and which positions are clean cuts, group the nodes into the
// fewest segments whose largest cost is as small as the clean cuts allow, and balance them.
//
//   nodes     n0  n1  n2  n3  n4  n5  n6
//   clean       ^       ^   ^           (positions 1, 3, 4: a cut before that node)
//   chunks   [n0][n1 n2][n3][n4 n5 n6]  the atoms; segments are runs of whole chunks

export interface CutOptions {
  /** Most segments to make. */
  readonly maxSegments: number;
  /** Cost share (0..1] a segment may have before another cut is worth making. */
  readonly share: number;
}

/**
 * Positions (1..n-1, "cut before node p") at which to cut. `clean[p]` says whether position p is a clean cut;
 * `costs` are per node, in execution order.
 */
export function chooseCuts(costs: readonly number[], clean: (position: number) => boolean, options: CutOptions): number[] {
  const starts = [0];
  for (let p = 1; p < costs.length; p++) if (clean(p)) starts.push(p);
  const chunks = starts.map((s, i) => sum(costs, s, starts[i + 1] ?? costs.length));
  return partitionChunks(chunks, options).map((chunkIndex) => starts[chunkIndex] as number);
}

/** Chunk indices (1..m-1) at which new segments begin. */
export function partitionChunks(chunks: readonly number[], options: CutOptions): number[] {
  const m = chunks.length;
  const kMax = Math.max(1, Math.min(Math.floor(options.maxSegments), m));
  if (kMax === 1) return [];
  const total = chunks.reduce((a, b) => a + b, 0);
  // The bound each segment should stay under: the requested share, or what kMax segments can achieve at best.
  const bound = Math.max(options.share * total, minMaxCost(chunks, kMax));
  const k = greedy(chunks, bound * (1 + 1e-9)).length + 1;
  const best = minMaxCost(chunks, k);
  const candidates = [greedy(chunks, best * (1 + 1e-9)), nearestIdeal(chunks, k), balancedGreedy(chunks, k, best * (1 + 1e-9))];
  let chosen = candidates[0] as number[];
  for (const c of candidates) if (c.length + 1 <= k && better(chunks, c, chosen)) chosen = c;
  return mergeSlivers(chunks, chosen, SLIVER_FRACTION * options.share * total);
}

/** A segment under this fraction of the target share is merged into a neighbour: its switch is not worth it. */
const SLIVER_FRACTION = 0.25;

function mergeSlivers(chunks: readonly number[], cuts: readonly number[], minCost: number): number[] {
  const out = [...cuts];
  for (;;) {
    const costs = segmentCosts(chunks, out);
    let smallest = 0;
    costs.forEach((c, i) => c < (costs[smallest] as number) && (smallest = i));
    if (out.length === 0 || (costs[smallest] as number) >= minCost) return out;
    // Join the cheaper neighbour: remove the cut before (smallest - 1 | smallest) or after it.
    const before = smallest > 0 ? (costs[smallest - 1] as number) : Infinity;
    const after = smallest < costs.length - 1 ? (costs[smallest + 1] as number) : Infinity;
    out.splice(before <= after ? smallest - 1 : smallest, 1);
  }
}

/** The smallest achievable largest-segment cost with at most k segments (bisection over the greedy test). */
export function minMaxCost(chunks: readonly number[], k: number): number {
  let lo = Math.max(0, ...chunks);
  let hi = chunks.reduce((a, b) => a + b, 0);
  if (greedy(chunks, lo).length + 1 <= k) return lo;
  for (let i = 0; i < 64 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (greedy(chunks, mid).length + 1 <= k) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Cut as late as possible while each segment stays within `bound`: the fewest segments for that bound. */
function greedy(chunks: readonly number[], bound: number): number[] {
  const cuts: number[] = [];
  let acc = 0;
  chunks.forEach((c, i) => {
    if (i > 0 && acc + c > bound) {
      cuts.push(i);
      acc = 0;
    }
    acc += c;
  });
  return cuts;
}

/** For each ideal boundary j·total/k, the chunk boundary nearest to it. */
function nearestIdeal(chunks: readonly number[], k: number): number[] {
  const prefix = prefixSums(chunks);
  const total = prefix[chunks.length] as number;
  const cuts: number[] = [];
  for (let j = 1; j < k; j++) {
    const ideal = (j * total) / k;
    let bestIndex = 1;
    for (let i = 1; i < chunks.length; i++) {
      if (Math.abs((prefix[i] as number) - ideal) < Math.abs((prefix[bestIndex] as number) - ideal)) bestIndex = i;
    }
    if (bestIndex > (cuts[cuts.length - 1] ?? 0)) cuts.push(bestIndex);
  }
  return cuts;
}

/** Each segment aims at the remaining cost over the segments left, never exceeding `bound`. */
function balancedGreedy(chunks: readonly number[], k: number, bound: number): number[] {
  const cuts: number[] = [];
  let remaining = chunks.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i] as number;
    const left = k - cuts.length;
    const target = remaining / left;
    const mustCut = acc + c > bound;
    const closerIfCut = Math.abs(acc - target) <= Math.abs(acc + c - target);
    if (i > 0 && acc > 0 && left > 1 && (mustCut || closerIfCut)) {
      cuts.push(i);
      remaining -= acc;
      acc = 0;
    }
    acc += c;
  }
  return cuts;
}

function segmentCosts(chunks: readonly number[], cuts: readonly number[]): number[] {
  const bounds = [0, ...cuts, chunks.length];
  return bounds.slice(1).map((end, i) => sum(chunks, bounds[i] as number, end));
}

/** Smaller largest segment first, then fewer segments (each switch costs), then the more even spread. */
function better(chunks: readonly number[], a: readonly number[], b: readonly number[]): boolean {
  const ca = segmentCosts(chunks, a);
  const cb = segmentCosts(chunks, b);
  const maxA = Math.max(...ca);
  const maxB = Math.max(...cb);
  if (Math.abs(maxA - maxB) > 1e-9 * Math.max(maxA, maxB)) return maxA < maxB;
  if (ca.length !== cb.length) return ca.length < cb.length;
  const sq = (xs: number[]): number => xs.reduce((s, x) => s + x * x, 0);
  return sq(ca) < sq(cb) - 1e-9 * sq(cb);
}

function prefixSums(xs: readonly number[]): number[] {
  const out = [0];
  for (const x of xs) out.push((out[out.length - 1] as number) + x);
  return out;
}

function sum(xs: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i] as number;
  return s;
}

/**
 * Moves each cut to the clean position with the least data crossing it (`size`, e.g. activation elements) among
 * those within `tolerance` cost of where it is, without passing a neighbouring cut: a cut right after a pooling
 * layer hands over a quarter of the tensor the cut before it would, for nearly the same balance.
 */
export function slideCuts(
  cuts: readonly number[],
  costs: readonly number[],
  clean: (position: number) => boolean,
  size: (position: number) => number,
  tolerance: number,
): number[] {
  const out = [...cuts];
  out.forEach((p, i) => {
    const lo = (out[i - 1] ?? 0) + 1;
    const hi = (cuts[i + 1] ?? costs.length) - 1;
    let best = p;
    let bestSize = size(p);
    const consider = (q: number): void => {
      const s = size(q);
      if (clean(q) && Number.isFinite(s) && (s < bestSize || !Number.isFinite(bestSize))) {
        best = q;
        bestSize = s;
      }
    };
    // Moving the cut from p to q shifts the cost of nodes between them into the neighbouring segment.
    for (let q = p - 1, moved = costs[q] as number; q >= lo && moved <= tolerance; q--, moved += costs[q] ?? 0) consider(q);
    for (let q = p + 1, moved = costs[p] as number; q <= hi && moved <= tolerance; moved += costs[q] ?? 0, q++) consider(q);
    out[i] = best;
  });
  return out;
}
