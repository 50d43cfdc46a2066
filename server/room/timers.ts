// A room's timers on the node's own event loop. The room clock of Colyseus only advances when
// ticked, which a turn-based room would have to do many times a second for nothing; these fire on
// time with no tick. They are cleared together when the room goes, and an exception in a callback
// goes to the room's handler instead of taking the process down.

export interface Timer {
  clear(): void;
}

export class RoomTimers {
  private readonly live = new Set<NodeJS.Timeout>();

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

  /** Clears every timer of the room. */
  clearAll(): void {
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
