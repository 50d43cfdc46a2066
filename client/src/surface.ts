// `window.golf`: the automation surface of docs/protocol.md, for end-to-end tests and tools.
//   scene()   the current scene: "lobby", "table" (playing or watching) or "replay"
//   state()   a plain snapshot of the synchronized state (in the replay: of the move shown), or null
//   locate(n) where to click a thing: { x, y } in CSS pixels of the page as it is on screen (what
//             Playwright's page.mouse.click takes), or null when it is not offered now. A DOM element
//             outside the visible part of the page is scrolled into view first.
//   events()  the `event` messages received so far (in the replay: the events up to the move shown)
// Clickable DOM elements carry `data-locate="button:<id>"`; the Phaser table registers the cards.

export type SceneKey = "lobby" | "table" | "replay";
export interface Point {
  x: number;
  y: number;
}

/** What the active scene contributes to the surface. */
export interface SurfaceProvider {
  state(): unknown;
  events(): unknown[];
  /** Things drawn on the canvas (cards, piles); DOM elements are found by their data-locate. */
  locate(name: string): Point | null;
}

let sceneKey: SceneKey = "lobby";
let provider: SurfaceProvider | null = null;

export function setScene(key: SceneKey, source: SurfaceProvider | null): void {
  sceneKey = key;
  provider = source;
  document.body.dataset.scene = key;
}

export function currentScene(): SceneKey {
  return sceneKey;
}

/** The centre of a visible, enabled element on screen (scrolled into view if need be), or null. */
export function centreOf(element: Element): Point | null {
  if (element instanceof HTMLButtonElement && element.disabled) return null;
  if (element.closest("[hidden], [inert]")) return null;
  let box = element.getBoundingClientRect();
  if (box.width === 0 || box.height === 0) return null;
  const style = getComputedStyle(element);
  if (style.visibility === "hidden" || style.display === "none" || Number(style.opacity) === 0) return null;
  // Still sliding into place (a dialog's entrance): not yet where a click would land.
  for (let node: Element | null = element; node; node = node.parentElement) {
    if (node.getAnimations().some((animation) => animation.playState === "running")) return null;
  }
  if (box.top < 0 || box.left < 0 || box.bottom > window.innerHeight || box.right > window.innerWidth) {
    element.scrollIntoView({ block: "center", inline: "center", behavior: "instant" });
    box = element.getBoundingClientRect();
  }
  return { x: Math.round(box.left + box.width / 2), y: Math.round(box.top + box.height / 2) };
}

function locateDom(name: string): Point | null {
  for (const element of document.querySelectorAll(`[data-locate="${CSS.escape(name)}"]`)) {
    const point = centreOf(element);
    if (point) return point;
  }
  return null;
}

export function installSurface(): void {
  const golf = {
    scene: (): SceneKey => sceneKey,
    state: (): unknown => provider?.state() ?? null,
    events: (): unknown[] => provider?.events() ?? [],
    locate: (name: string): Point | null => locateDom(name) ?? provider?.locate(name) ?? null,
  };
  Object.defineProperty(window, "golf", { value: golf, configurable: true });
}
