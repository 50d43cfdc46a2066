// Rooms per address (ROOMS_PER_ADDRESS): the lobbies and running games one address created, counted
// in Colyseus's presence, so across the cluster when it is Redis. A set of game ids per address, and
// each game's owner, so whichever node closes the game (an adopter too) can give the place back.
import type { Presence } from "@colyseus/core";

const roomsKey = (address: string) => `golf:rooms-of:${address}`;
const ownerKey = (gameId: string) => `golf:owner-of:${gameId}`;

/** How many rooms `address` holds now. */
export async function roomsHeld(presence: Presence, address: string): Promise<number> {
  return Number(await presence.scard(roomsKey(address)));
}

/**
 * Takes a place for `gameId` among `address`'s rooms; false (and nothing taken) when it already holds
 * `limit`. Adding first and counting after keeps concurrent claims from all passing.
 */
export async function claimRoom(presence: Presence, address: string, gameId: string, limit: number): Promise<boolean> {
  const key = roomsKey(address);
  await presence.sadd(key, gameId);
  if (Number(await presence.scard(key)) <= limit) {
    await presence.set(ownerKey(gameId), address);
    return true;
  }
  await presence.srem(key, gameId);
  return false;
}

/** Gives back the place of `gameId`, if it held one (a no-op otherwise). */
export async function releaseRoom(presence: Presence, gameId: string): Promise<void> {
  const address = (await presence.get(ownerKey(gameId))) as string | null | undefined;
  if (!address) return;
  await presence.srem(roomsKey(address), gameId);
  await presence.del(ownerKey(gameId));
}
