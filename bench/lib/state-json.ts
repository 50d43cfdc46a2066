// The synchronized state (docs/protocol.md) as plain data, as the SDK's `state.toJSON()` gives it:
// what the bots and the tests read.

export interface CardJson {
  rank: string;
  suit: string;
}
export interface SlotJson extends CardJson {
  faceUp: boolean;
}
export interface SeatJson {
  name: string;
  kind: string;
  profile: string;
  connected: boolean;
  away: boolean;
  host: boolean;
  total: number;
  holeScore: number;
  holesWon: number;
  cards: SlotJson[];
  drawn?: CardJson;
}
export interface StateJson {
  code: string;
  gameId: string;
  phase: string;
  rules: string;
  decks: number;
  hole: number;
  holes: number;
  dealer: number;
  seats: SeatJson[];
  turn: number;
  finisher: number;
  mustFlip: string;
  deckCount: number;
  discardTop: CardJson;
  discardCount: number;
  drawnFrom: string;
  turnEndsAt: number;
  spectators: number;
  ranked: boolean;
  lastSeq: number;
}
