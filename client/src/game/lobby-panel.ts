// The table in its lobby phase: who is seated, the invite, and for the host the controls (add or
// remove CPUs, holes, decks, turn timer, house rules, start). Others see the settings read-only; a
// spectator may take a free seat.
import { CPU_PROFILES } from "../../../shared/golf/profiles.ts";
import { BOOLEAN_RULES, FLIP_MODES, type HouseRules } from "../../../shared/golf/rules.ts";
import { BOOLEAN_RULE_TEXT, FLIP_MODE_TEXT } from "../rules-text.ts";
import type { GolfSnapshot } from "../net/snapshot.ts";
import { playerName } from "../ui/player-name.ts";
import { button, h } from "../ui/dom.ts";

export interface LobbyPanelInput {
  snap: GolfSnapshot;
  rules: HouseRules;
  me: number;
  spectator: boolean;
  /** Settings the state does not carry, followed from the created/configured events. */
  decks: number | null;
  turnSeconds: number | null;
  inviteUrl: string;
}

export interface LobbyPanelActions {
  send(type: string, payload?: Record<string, unknown>): void;
  takeSeat(): void;
  copyLink(): void;
}

function chipRow(id: string, options: { value: unknown; label: string; key?: string }[], current: unknown, enabled: boolean, pick: (value: unknown) => void): HTMLElement {
  return h(
    "div",
    { class: "chips" },
    options.map((option) =>
      button(`${id}-${option.key ?? String(option.value)}`, option.label, () => pick(option.value), {
        class: "chip",
        role: "radio",
        "aria-checked": String(option.value === current),
        disabled: !enabled,
      }),
    ),
  );
}

export function lobbyPanel(input: LobbyPanelInput, actions: LobbyPanelActions): HTMLElement {
  const { snap, rules, me } = input;
  const isHost = me >= 0 && snap.seats[me]?.host === true;
  const filled = snap.seats.filter((seat) => seat.kind !== "empty").length;
  const freeSeat = snap.seats.some((seat) => seat.kind === "empty");
  const host = snap.seats.find((seat) => seat.host);
  const seated = new Set(snap.seats.filter((seat) => seat.kind === "cpu").map((seat) => (seat.profile || seat.name).toLowerCase()));
  const configure = (patch: Record<string, unknown>) => actions.send("configure", patch);
  const activeRules = BOOLEAN_RULES.filter((rule) => rules[rule]);

  const seats = h(
    "ol",
    { class: "seat-list" },
    snap.seats.map((seat, index) =>
      h(
        "li",
        { class: seat.kind },
        h("span", { class: `dot ${seat.kind === "cpu" ? "cpu" : seat.kind === "empty" ? "empty" : seat.connected ? "on" : "off"}` }),
        h("span", { class: "grow" }, seat.kind === "empty" ? "Empty seat" : playerName(seat.name, seat.userId), seat.rating > 0 ? h("small", { class: "muted" }, ` ${seat.rating}`) : null, seat.host ? h("small", null, " ★ host") : null, index === me ? h("small", null, " (you)") : null, seat.kind === "cpu" ? h("small", null, ` · CPU`) : null),
        isHost && seat.kind === "cpu" ? button(`removeCpu-${index}`, "Remove", () => actions.send("removeCpu", { seat: index }), { class: "small ghost" }) : null,
      ),
    ),
  );

  const hostControls = isHost
    ? [
        h("h3", null, "Add a CPU opponent"),
        h(
          "div",
          { class: "chips wrap" },
          CPU_PROFILES.filter((profile) => !seated.has(profile.name.toLowerCase())).map((profile) =>
            button(`addCpu-${profile.name}`, [h("b", null, profile.name), h("small", null, profile.style)], () => actions.send("addCpu", { profile: profile.name }), {
              class: "chip cpu",
              disabled: !freeSeat,
            }),
          ),
        ),
      ]
    : [];

  const settings = h(
    "div",
    { class: "settings" },
    h("label", null, "Holes"),
    chipRow("cfg-holes", [1, 3, 5, 9, 18].map((n) => ({ value: n, label: String(n) })), snap.holes, isHost, (n) => configure({ holes: n })),
    h("label", null, "Decks"),
    chipRow("cfg-decks", [{ value: null, label: "Auto", key: "auto" }, ...[1, 2, 3].map((n) => ({ value: n, label: String(n) }))], input.decks, isHost, (n) => configure({ decks: n })),
    h("label", null, "Turn timer"),
    chipRow("cfg-timer", [0, 15, 30, 60].map((n) => ({ value: n, label: n ? `${n}s` : "Off" })), input.turnSeconds, isHost, (n) => configure({ turnSeconds: n })),
    h("label", null, "After a discard"),
    chipRow("cfg-flipMode", FLIP_MODES.map((mode) => ({ value: mode, label: FLIP_MODE_TEXT[mode].title })), rules.flipMode, isHost, (mode) => configure({ rules: { flipMode: mode } })),
    h("label", null, "Cards turned up at the start"),
    chipRow("cfg-initialFlips", [0, 1, 2].map((n) => ({ value: n, label: String(n) })), rules.initialFlips, isHost, (n) => configure({ rules: { initialFlips: n } })),
    isHost
      ? h(
          "details",
          { class: "house-rules", open: activeRules.length > 0 },
          h("summary", { locate: "button:cfg-houseRules" }, `House rules (${activeRules.length} on)`),
          h(
            "div",
            { class: "chips wrap rules" },
            BOOLEAN_RULES.map((rule) =>
              button(`cfg-rule-${rule}`, [h("b", null, BOOLEAN_RULE_TEXT[rule].title), h("small", null, BOOLEAN_RULE_TEXT[rule].short)], () => configure({ rules: { [rule]: !rules[rule] } }), {
                class: "chip rule",
                role: "checkbox",
                "aria-checked": String(rules[rule]),
                title: BOOLEAN_RULE_TEXT[rule].long,
              }),
            ),
          ),
        )
      : h("p", { class: "muted" }, activeRules.length ? `House rules: ${activeRules.map((rule) => BOOLEAN_RULE_TEXT[rule].title).join(", ")}` : "Standard rules"),
  );

  return h(
    "section",
    { class: "lobby-panel panel", "aria-label": "Game lobby" },
    h(
      "header",
      null,
      h("div", null, h("small", { class: "muted" }, "Game code"), h("div", { class: "big-code" }, snap.code)),
      button("copyLink", "Copy invite link", actions.copyLink, { class: "small" }),
    ),
    h("p", { class: "muted invite" }, input.inviteUrl),
    seats,
    ...hostControls,
    settings,
    h(
      "div",
      { class: "actions" },
      input.spectator && freeSeat ? button("takeSeat", "Take a seat", actions.takeSeat, { class: "primary" }) : null,
      isHost
        ? button("start", filled < 2 ? "Start (needs 2 players)" : `Start the game (${filled} players)`, () => actions.send("start"), { class: "primary", disabled: filled < 2 })
        : h("p", { class: "muted" }, host ? `Waiting for ${host.name} to start the game…` : "Waiting for the host…"),
    ),
  );
}
