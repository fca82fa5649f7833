/**
 * An open-addressing hash map from a pair of non-negative int32 keys to a non-negative int32 value,
 * sized once for a known number of entries: about 12 bytes per slot, no per-entry objects.
 */
export class PairTable {
  private readonly first: Int32Array;
  private readonly second: Int32Array;
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(entries: number) {
    let capacity = 16;
    while (capacity < entries * 2) capacity *= 2;
    this.first = new Int32Array(capacity).fill(-1);
    this.second = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** The value stored for (a, b), or -1. */
  get(a: number, b: number): number {
    for (let slot = this.slotOf(a, b); ; slot = (slot + 1) & this.mask) {
      const stored = this.first[slot]!;
      if (stored === -1) return -1;
      if (stored === a && this.second[slot] === b) return this.values[slot]!;
    }
  }

  /** Stores value for (a, b); returns false if the pair was already there (the old value stays). */
  add(a: number, b: number, value: number): boolean {
    for (let slot = this.slotOf(a, b); ; slot = (slot + 1) & this.mask) {
      const stored = this.first[slot]!;
      if (stored === a && this.second[slot] === b) return false;
      if (stored === -1) {
        this.first[slot] = a;
        this.second[slot] = b;
        this.values[slot] = value;
        return true;
      }
    }
  }

  private slotOf(a: number, b: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 13;
    return h & this.mask;
  }
}
