// What the browser remembers: the player's name, the mute switch, and the seat token of each game
// (so a reload or a lost connection takes the same seat back).

const NAME_KEY = "golf.name";
const MUTE_KEY = "golf.muted";
const TOKEN_PREFIX = "golf.seat.";

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage can be unavailable (private modes): the game still works, it just forgets.
  }
}

export function savedName(): string {
  return read(NAME_KEY) ?? "";
}

export function saveName(name: string): void {
  write(NAME_KEY, name.trim());
}

export function isMuted(): boolean {
  return read(MUTE_KEY) === "1";
}

export function setMuted(muted: boolean): void {
  write(MUTE_KEY, muted ? "1" : "0");
}

export interface SeatTicket {
  token: string;
  gameId: string;
}

export function seatTicket(code: string): SeatTicket | null {
  const raw = read(TOKEN_PREFIX + code.toUpperCase());
  if (!raw) return null;
  try {
    const ticket = JSON.parse(raw) as SeatTicket;
    return typeof ticket.token === "string" && ticket.token ? ticket : null;
  } catch {
    return null;
  }
}

export function saveSeatTicket(code: string, ticket: SeatTicket | null): void {
  write(TOKEN_PREFIX + code.toUpperCase(), ticket ? JSON.stringify(ticket) : null);
}
