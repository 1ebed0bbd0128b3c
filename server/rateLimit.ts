/**
 * A token bucket per key (a client address, a session): `capacity` requests at once, then
 * `perMinute` a minute. Bounded in memory: the least recently used keys go first.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 10_000,
  ) {}

  /** Takes one token; returns 0 when allowed, else the milliseconds until one is free. */
  take(key: string): number {
    const b = this.bucket(key);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return this.waitFor(b);
  }

  /** Like take, without taking: 0 when a token is there. */
  peek(key: string): number {
    const b = this.bucket(key);
    return b.tokens >= 1 ? 0 : this.waitFor(b);
  }

  private waitFor(b: { tokens: number }): number {
    return Math.ceil(((1 - b.tokens) * 60_000) / this.perMinute);
  }

  private bucket(key: string): { tokens: number; at: number } {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: t };
    b.tokens = Math.min(this.capacity, b.tokens + ((t - b.at) * this.perMinute) / 60_000);
    b.at = t;
    this.buckets.delete(key);
    this.buckets.set(key, b);
    while (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    return b;
  }
}
