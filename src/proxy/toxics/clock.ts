// When held data is due. Node's timers count whole milliseconds against a loop clock taken when the
// current turn of the event loop began, so a timer fires up to a millisecond early or late: a 1 ms latency
// toxic measured 1.45 ms, a 5 ms one 5.7 ms. Here one process-wide clock keeps every due time in a heap,
// sleeps on a timer until shortly before the earliest, and covers the last stretch by checking the precise
// clock (performance.now) on every turn of the event loop (setImmediate), where I/O keeps flowing. That
// costs one core's turns for at most POLL_WINDOW per due time, and only while something is held.

/** Something that holds data until a due time (a TimedQueue); it is told the time when woken. */
export interface Wakeable {
  wake(now: number): void;
}

interface Entry {
  due: number;
  target: Wakeable;
  seq: number;
}

/** Longest a timer may be off (a whole loop-clock millisecond), plus a margin. */
const POLL_WINDOW = 1.25;

class DueClock {
  private readonly heap: Entry[] = [];
  private readonly armedSeq = new WeakMap<Wakeable, number>();
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private polling = false;

  /** Wakes `target` at `due` (performance.now() time); replaces the target's earlier request, if any. */
  at(target: Wakeable, due: number): void {
    const seq = ++this.seq;
    this.armedSeq.set(target, seq);
    this.push({ due, target, seq });
    this.arm();
  }

  cancel(target: Wakeable): void {
    this.armedSeq.delete(target);
  }

  private arm(): void {
    this.dropStale();
    const head = this.heap[0];
    if (!head || this.polling) return;
    const wait = head.due - performance.now();
    if (wait <= POLL_WINDOW) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.polling = true;
      setImmediate(this.poll);
      return;
    }
    const at = head.due - POLL_WINDOW;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(this.onTimer, Math.min(2 ** 31 - 1, wait - POLL_WINDOW));
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.arm();
  };

  private readonly poll = (): void => {
    this.polling = false;
    const now = performance.now();
    while (this.heap.length > 0 && this.heap[0].due <= now) {
      const entry = this.pop();
      if (this.armedSeq.get(entry.target) !== entry.seq) continue;
      this.armedSeq.delete(entry.target);
      entry.target.wake(now);
    }
    this.arm();
  };

  /** Entries replaced or cancelled since they were pushed. */
  private dropStale(): void {
    while (this.heap.length > 0 && this.armedSeq.get(this.heap[0].target) !== this.heap[0].seq) this.pop();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (before(heap[parent], entry)) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const child = left + 1 < heap.length && before(heap[left + 1], heap[left]) ? left + 1 : left;
        if (before(last, heap[child])) break;
        heap[i] = heap[child];
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

export const dueClock = new DueClock();
