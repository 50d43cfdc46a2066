// A room's timers on the node's own event loop. The room clock of Colyseus only advances when
// ticked, which a turn-based room would have to do many times a second for nothing; these fire on
// time with no tick. They are cleared together when the room goes, and an exception in a callback
// goes to the room's handler instead of taking the process down.
// Besides one-off timers, the room schedules what the table policy says is due
// (shared/golf/table-policy.ts) in named slots: one timer per slot, replaced or released by name.

export interface Timer {
  clear(): void;
}

/** The timed things of a table the policy decides, one timer each. */
export type TableSlot = "cpuMove" | "turn" | "turnWarning" | "nextHole" | "quickStart" | "idleCheck";

export class RoomTimers {
  private readonly live = new Set<NodeJS.Timeout>();
  private readonly slots = new Map<TableSlot, { key: string; timer: Timer }>();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs `callback` once, `ms` from now. */
  after(callback: () => void, ms: number): Timer {
    const handle = setTimeout(() => {
      this.live.delete(handle);
      this.run(callback);
    }, Math.max(0, ms));
    this.live.add(handle);
    return { clear: () => this.clear(handle) };
  }

  /** Runs `callback` every `ms` until cleared. */
  every(callback: () => void, ms: number): Timer {
    const handle = setInterval(() => this.run(callback), ms);
    this.live.add(handle);
    return { clear: () => this.clear(handle) };
  }

  /** Runs `callback` at `at` (`now` being the time it was computed at) in `slot`, under `key`, replacing the slot's timer. */
  at(slot: TableSlot, key: string, at: number, now: number, callback: () => void): void {
    this.slots.get(slot)?.timer.clear();
    this.slots.set(slot, { key, timer: this.after(callback, at - now) });
  }

  /** Runs `callback` every `ms` in `slot`, replacing the slot's timer. */
  everyIn(slot: TableSlot, ms: number, callback: () => void): void {
    this.slots.get(slot)?.timer.clear();
    this.slots.set(slot, { key: "", timer: this.every(callback, ms) });
  }

  /**
   * Whether `slot` holds a timer (under `key`, when given). A timer that fired stays in its slot
   * until released: what it started may still be queued.
   */
  holds(slot: TableSlot, key?: string): boolean {
    const held = this.slots.get(slot);
    return !!held && (key === undefined || held.key === key);
  }

  /** The key `slot`'s timer was set under ("" when the slot is empty). */
  keyOf(slot: TableSlot): string {
    return this.slots.get(slot)?.key ?? "";
  }

  /** Clears `slot`'s timer and empties the slot. */
  release(slot: TableSlot): void {
    this.slots.get(slot)?.timer.clear();
    this.slots.delete(slot);
  }

  /** Clears every slot's timer (one-off timers keep running). */
  releaseSlots(): void {
    for (const slot of [...this.slots.keys()]) this.release(slot);
  }

  /** Clears every timer of the room. */
  clearAll(): void {
    this.slots.clear();
    for (const handle of this.live) clearTimeout(handle);
    this.live.clear();
  }

  private clear(handle: NodeJS.Timeout): void {
    clearTimeout(handle);
    this.live.delete(handle);
  }

  private run(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.onError(error);
    }
  }
}
