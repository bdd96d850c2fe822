/** A binary min-heap of (key, value): the replay clock's queue of meter deadlines. */
export class MinHeap<T> {
  private keys: number[] = [];
  private vals: T[] = [];

  get size(): number {
    return this.keys.length;
  }
  peekKey(): number {
    return this.keys.length ? this.keys[0]! : Infinity;
  }
  push(key: number, val: T): void {
    const k = this.keys, v = this.vals;
    let i = k.length;
    k.push(key);
    v.push(val);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p]! <= key) break;
      k[i] = k[p]!;
      v[i] = v[p]!;
      i = p;
    }
    k[i] = key;
    v[i] = val;
  }
  pop(): T | undefined {
    const k = this.keys, v = this.vals;
    if (!k.length) return undefined;
    const top = v[0];
    const lastK = k.pop()!, lastV = v.pop()!;
    if (k.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i, mk = lastK;
        if (l < k.length && k[l]! < mk) (m = l), (mk = k[l]!);
        if (r < k.length && k[r]! < mk) m = r;
        if (m === i) break;
        k[i] = k[m]!;
        v[i] = v[m]!;
        i = m;
      }
      k[i] = lastK;
      v[i] = lastV;
    }
    return top;
  }
}
