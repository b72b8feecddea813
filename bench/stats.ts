// Small numeric helpers for the benchmark.

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of `values` (sorted in place), rounded to 0.1 ms. */
export function percentiles(values: Float64Array): Percentiles | null {
  if (values.length === 0) return null;
  values.sort();
  const at = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1))]!;
  return { count: values.length, p50: round1(at(50)), p95: round1(at(95)), p99: round1(at(99)), max: round1(values[values.length - 1]!) };
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round0 = (x: number) => Math.round(x);

/** A growable Float64Array. */
export class Floats {
  private data = new Float64Array(1024);
  length = 0;
  push(x: number) {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = x;
  }
  get(i: number): number {
    return this.data[i]!;
  }
  set(i: number, x: number) {
    this.data[i] = x;
  }
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

/** Parses Prometheus text into `name{labels}` → value (and `name` → value for unlabeled series). */
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?)\s+(\S+)/.exec(line);
    if (match) out.set(match[1]!, Number(match[2]));
  }
  return out;
}

/** A deterministic pseudo-random sequence (mulberry32), so that runs of a scenario plan the same work. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
