// The lobby: plain DOM, in the entry chunk, so it is interactive before Phaser has even loaded.
// Who is playing (account bar), your name (remembered; a registered player plays under the username),
// quick play, create a game, join by code or link, your games, watch live games, open a replay file,
// the rules and the leaderboard.
import { CPU_PROFILES } from "../../../shared/golf/profiles.ts";
import { BOOLEAN_RULES, FLIP_MODES, type BooleanRule, type FlipMode } from "../../../shared/golf/rules.ts";
import { BOOLEAN_RULE_TEXT, FLIP_MODE_TEXT, INITIAL_FLIPS_TEXT } from "../rules-text.ts";
import type { LiveGame } from "../../../shared/protocol/index.ts";
import { api } from "../net/api.ts";
import { currentUser, onUserChange } from "../net/account.ts";
import { accountBar } from "./account-bar.ts";
import { yourGames } from "./your-games.ts";
import { savedName, saveName } from "../prefs.ts";
import { button, h, replace } from "./dom.ts";
import { toast } from "./toast.ts";

/** What the create form sends with client.create("golf", ...) besides the name. */
export interface CreateChoices {
  seats: number;
  cpus: string[];
  holes: number;
  decks: number | null;
  turnSeconds: number;
  /** undefined: the server's human-like default. */
  cpuDelayMs: number | undefined;
  rules: { flipMode: FlipMode; initialFlips: 0 | 1 | 2 } & Partial<Record<BooleanRule, boolean>>;
  private: boolean;
}

export interface LobbyActions {
  quickPlay(name: string): void;
  create(name: string, choices: CreateChoices): void;
  join(code: string, name: string): void;
  watch(code?: string): void;
  openReplayFile(file: File): void;
  showRules(): void;
  /** Another page of the site (the leaderboard, a profile, a replay). */
  go(path: string): void;
}

const CODE_PATTERN = /^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{5}$/;
export const CPU_SPEEDS = [
  { id: "instant", label: "Instant", ms: 0 },
  { id: "fast", label: "Fast", ms: 500 },
  { id: "normal", label: "Normal", ms: undefined },
  { id: "slow", label: "Slow", ms: 2500 },
] as const;

function defaultChoices(): CreateChoices {
  return {
    seats: 4,
    cpus: ["Sofia", "Maya", "Priya"],
    holes: 9,
    decks: null,
    turnSeconds: 30,
    cpuDelayMs: undefined,
    rules: { flipMode: "never", initialFlips: 2 },
    private: false,
  };
}

/** A row of mutually exclusive chips. */
function chips<T>(idPrefix: string, options: readonly { value: T; label: string; id?: string; title?: string }[], current: () => T, pick: (value: T) => void): HTMLElement {
  const row = h("div", { class: "chips", role: "radiogroup" });
  const paint = () => {
    for (const [index, chip] of [...row.children].entries()) chip.setAttribute("aria-checked", String(options[index]!.value === current()));
  };
  for (const option of options) {
    row.appendChild(
      button(`${idPrefix}-${option.id ?? String(option.value)}`, option.label, () => {
        pick(option.value);
        paint();
      }, { class: "chip", role: "radio", title: option.title }),
    );
  }
  paint();
  return row;
}

export function renderLobby(root: HTMLElement, actions: LobbyActions): () => void {
  let choices = defaultChoices();
  let liveTimer = 0;

  const nameInput = h("input", {
    id: "name",
    locate: "field:name",
    maxlength: 20,
    autocomplete: "nickname",
    placeholder: "Your name",
    value: savedName(),
    "aria-label": "Your name",
  });
  const codeInput = h("input", {
    id: "code",
    locate: "field:code",
    // Room for a whole invite link pasted in.
    maxlength: 300,
    placeholder: "CODE",
    autocapitalize: "characters",
    spellcheck: "false",
    "aria-label": "Game code",
  });

  function name(): string | null {
    const value = nameInput.value.trim();
    if (!value) {
      nameInput.focus();
      nameInput.classList.add("invalid");
      toast("Type your name first", "error");
      return null;
    }
    if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
      toast("Names cannot hold control characters", "error");
      return null;
    }
    if (!nameInput.readOnly) saveName(value);
    return value;
  }
  // A registered player plays under the username (so the name at the table is the profile's).
  const showAccountName = () => {
    const user = currentUser();
    const registered = user !== null && !user.guest;
    nameInput.readOnly = registered;
    if (registered) nameInput.value = user.name;
    else if (nameInput.value !== savedName() && !nameInput.matches(":focus")) nameInput.value = savedName();
  };
  showAccountName();
  const stopFollowingName = onUserChange(showAccountName);
  nameInput.addEventListener("input", () => nameInput.classList.remove("invalid"));
  nameInput.addEventListener("change", () => {
    if (nameInput.value.trim() && !nameInput.readOnly) saveName(nameInput.value);
  });

  function joinByCode(): void {
    const raw = codeInput.value.trim();
    // An invite link pasted whole works too.
    const fromLink = /[?&]join=([A-Za-z0-9]{5})/i.exec(raw)?.[1];
    const code = (fromLink ?? raw).toUpperCase();
    if (!CODE_PATTERN.test(code)) {
      codeInput.classList.add("invalid");
      toast("A game code is 5 letters and digits, like K7RWQ", "error");
      return;
    }
    const who = name();
    if (who) actions.join(code, who);
  }
  codeInput.addEventListener("input", () => {
    codeInput.classList.remove("invalid");
    // A typed code is shown in capitals; a pasted link is left as it is.
    if (!codeInput.value.includes("/")) codeInput.value = codeInput.value.toUpperCase();
  });
  codeInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") joinByCode();
  });

  // ---- Create form ---------------------------------------------------------------------------
  const createPanel = h("section", { class: "panel create", hidden: true, "aria-label": "Create a game" });
  const paintCreate = () => replace(createPanel, ...createForm());

  function createForm(): HTMLElement[] {
    const cpuCount = h("span", { class: "muted" }, `${choices.cpus.length} of ${choices.seats - 1} seats`);
    const cpuChips = h(
      "div",
      { class: "chips wrap" },
      CPU_PROFILES.map((profile) =>
        button(`cpu-${profile.name}`, [h("b", null, profile.name), h("small", null, profile.style)], () => {
          const at = choices.cpus.indexOf(profile.name);
          if (at >= 0) choices.cpus.splice(at, 1);
          else {
            if (choices.cpus.length >= 5) {
              toast("At most five CPU opponents", "error");
              return;
            }
            choices.cpus.push(profile.name);
            if (choices.cpus.length > choices.seats - 1) choices.seats = choices.cpus.length + 1;
          }
          paintCreate();
        }, { class: "chip cpu", role: "checkbox", "aria-checked": String(choices.cpus.includes(profile.name)), title: profile.style }),
      ),
    );
    const ruleToggles = h(
      "div",
      { class: "chips wrap rules" },
      BOOLEAN_RULES.map((rule) =>
        button(`rule-${rule}`, [h("b", null, BOOLEAN_RULE_TEXT[rule].title), h("small", null, BOOLEAN_RULE_TEXT[rule].short)], () => {
          choices.rules[rule] = !choices.rules[rule];
          paintCreate();
        }, { class: "chip rule", role: "checkbox", "aria-checked": String(Boolean(choices.rules[rule])), title: BOOLEAN_RULE_TEXT[rule].long }),
      ),
    );
    return [
      h("h2", null, "Create a game"),
      h("div", { class: "field" }, h("label", null, "Seats at the table"),
        chips("seats", [2, 3, 4, 5, 6].map((n) => ({ value: n, label: String(n) })), () => choices.seats, (n) => {
          choices.seats = n;
          choices.cpus = choices.cpus.slice(0, n - 1);
          paintCreate();
        })),
      h("div", { class: "field" }, h("label", null, "CPU opponents ", cpuCount), cpuChips,
        h("p", { class: "hint" }, "Seats not taken by CPUs wait for people you invite.")),
      h("div", { class: "field-row" },
        h("div", { class: "field" }, h("label", null, "Holes"),
          chips("holes", [1, 3, 5, 9, 18].map((n) => ({ value: n, label: String(n) })), () => choices.holes, (n) => (choices.holes = n))),
        h("div", { class: "field" }, h("label", null, "Decks"),
          chips("decks", [{ value: null, label: "Auto", id: "auto", title: "1 for 2-3 players, 2 for 4-6" }, ...[1, 2, 3].map((n) => ({ value: n as number | null, label: String(n) }))], () => choices.decks, (n) => (choices.decks = n)))),
      h("div", { class: "field-row" },
        h("div", { class: "field" }, h("label", null, "Turn timer"),
          chips("timer", [0, 15, 30, 60].map((n) => ({ value: n, label: n === 0 ? "Off" : `${n}s` })), () => choices.turnSeconds, (n) => (choices.turnSeconds = n))),
        h("div", { class: "field" }, h("label", null, "CPU speed"),
          chips("speed", CPU_SPEEDS.map((speed) => ({ value: speed.ms, label: speed.label, id: speed.id })), () => choices.cpuDelayMs, (ms) => (choices.cpuDelayMs = ms)))),
      h("details", { class: "field house-rules", open: Object.values(choices.rules).some((v) => v === true) || choices.rules.flipMode !== "never" || choices.rules.initialFlips !== 2 },
        h("summary", { locate: "button:houseRules" }, "House rules"),
        h("label", null, "After a discard"),
        chips("rule-flipMode", FLIP_MODES.map((mode) => ({ value: mode, label: FLIP_MODE_TEXT[mode].title, title: FLIP_MODE_TEXT[mode].long })), () => choices.rules.flipMode, (mode) => (choices.rules.flipMode = mode)),
        h("label", { title: INITIAL_FLIPS_TEXT }, "Cards turned up at the start"),
        chips("rule-initialFlips", ([0, 1, 2] as const).map((n) => ({ value: n, label: String(n) })), () => choices.rules.initialFlips, (n) => (choices.rules.initialFlips = n)),
        ruleToggles),
      h("div", { class: "field" },
        button("private", [h("b", null, "Private"), h("small", null, "not listed, not matched by quick play")], () => {
          choices.private = !choices.private;
          paintCreate();
        }, { class: "chip", role: "checkbox", "aria-checked": String(choices.private) })),
      h("div", { class: "actions" },
        button("cancelCreate", "Cancel", () => {
          createPanel.hidden = true;
          mainPanel.hidden = false;
        }, { class: "ghost" }),
        button("createGame", "Create game", () => {
          const who = name();
          if (who) actions.create(who, structuredClone(choices));
        }, { class: "primary" })),
    ];
  }

  // ---- Live games ----------------------------------------------------------------------------
  const liveList = h("ul", { class: "live-list" }, h("li", { class: "muted" }, "Looking for live games…"));
  async function refreshLive(): Promise<void> {
    let games: LiveGame[];
    try {
      games = await api.liveGames();
    } catch {
      replace(liveList, h("li", { class: "muted" }, "Live games are not available right now."));
      return;
    }
    if (games.length === 0) {
      replace(liveList, h("li", { class: "muted" }, "No games running right now. Start one!"));
      return;
    }
    replace(
      liveList,
      games.slice(0, 12).map((game) =>
        h("li", null,
          h("span", { class: "code" }, game.code),
          h("span", { class: "grow" }, game.phase === "lobby" ? "waiting to start" : `hole ${game.hole} of ${game.holes}`, h("small", null, ` · ${game.players} players · ${game.spectators} watching`)),
          button(`watch-${game.code}`, "Watch", () => actions.watch(game.code), { class: "small" })),
      ),
    );
  }

  // ---- Replay file ---------------------------------------------------------------------------
  const fileInput = h("input", { type: "file", accept: ".json,application/json", hidden: true });
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    fileInput.value = "";
    if (file) actions.openReplayFile(file);
  });

  const bar = accountBar(actions.go);
  const mine = yourGames({
    resume: (code) => {
      const who = name();
      if (who) actions.join(code, who);
    },
    replay: (gameId) => actions.go(`/replay/${encodeURIComponent(gameId)}`),
  });

  const mainPanel = h(
    "section",
    { class: "panel main" },
    h("div", { class: "field" }, h("label", { for: "name" }, "Your name"), nameInput),
    h("div", { class: "big-actions" },
      button("quickPlay", [h("b", null, "Quick play"), h("small", null, "join a table or open one")], () => {
        const who = name();
        if (who) actions.quickPlay(who);
      }, { class: "primary big" }),
      button("create", [h("b", null, "Create a game"), h("small", null, "seats, CPUs, house rules")], () => {
        paintCreate();
        mainPanel.hidden = true;
        createPanel.hidden = false;
        createPanel.scrollIntoView({ block: "start" });
      }, { class: "big" })),
    h("div", { class: "field join" }, h("label", { for: "code" }, "Join with a code or an invite link"),
      h("div", { class: "inline" }, codeInput, button("join", "Join", joinByCode, { class: "primary" }))),
    mine.section,
    h("div", { class: "field" },
      h("div", { class: "label-row" }, h("label", null, "Live games"), button("watch", "Watch live ▸", () => actions.watch(), { class: "small ghost" })),
      liveList),
    h("div", { class: "footer-actions" },
      button("import", "Open a replay file", () => fileInput.click(), { class: "ghost" }),
      button("rules", "How to play", () => actions.showRules(), { class: "ghost" }),
      fileInput),
  );

  replace(
    root,
    h("main", { class: "lobby" },
      bar.bar,
      h("header", { class: "brand" },
        h("div", { class: "fan", "aria-hidden": "true" }, h("span", null, "A♠"), h("span", { class: "red" }, "2♥"), h("span", null, "K♣")),
        h("h1", null, "Six-Card Golf"),
        h("p", null, "Lowest score wins. Pair your columns, dodge the big cards.")),
      mainPanel,
      createPanel),
  );

  void refreshLive();
  liveTimer = window.setInterval(() => void refreshLive(), 5000);
  return () => {
    window.clearInterval(liveTimer);
    bar.stop();
    mine.stop();
    stopFollowingName();
  };
}
