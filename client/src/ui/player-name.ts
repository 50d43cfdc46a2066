// A player's name at the table: a link to their profile when they play signed in (Seat.userId), in a
// new tab so the seat is not left. Others (CPUs, clients without a session) are plain text.
import { profilePath } from "./account-bar.ts";
import { h } from "./dom.ts";

export function playerName(name: string, userId: string | undefined): Node {
  if (!userId) return document.createTextNode(name);
  return h("a", { class: "player-link", href: profilePath(name), target: "_blank", rel: "noopener", title: `${name}'s profile` }, name);
}
