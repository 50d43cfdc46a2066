// The strip at the top of the lobby and the players' pages: the leaderboard, and who is playing here
// (nobody yet, a guest, or a registered player) with sign in, register, profile and sign out. The
// dialogs are loaded when first opened.
import type { PublicUser } from "../../../shared/protocol/accounts.ts";
import { currentUser, onUserChange, signOut } from "../net/account.ts";
import { button, h, replace } from "./dom.ts";
import { toast } from "./toast.ts";

/** An in-app link: a real href (open in a new tab works), followed without a page load. */
export function link(id: string, path: string, label: string | Node, go: (path: string) => void, extra: Record<string, unknown> = {}): HTMLAnchorElement {
  return h("a", {
    href: path,
    locate: `button:${id}`,
    ...extra,
    onclick: (event: MouseEvent) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      go(path);
    },
  }, label);
}

export function profilePath(name: string): string {
  return `/u/${encodeURIComponent(name)}`;
}

const loadDialogs = () => import("./account-dialogs.ts");

/** Draws the bar and keeps it current; returns it and the function that stops following the user. */
export function accountBar(go: (path: string) => void): { bar: HTMLElement; stop: () => void } {
  const who = h("div", { class: "who" });
  const bar = h("nav", { class: "account-bar", "aria-label": "Account" }, link("leaderboard", "/leaderboard", "Leaderboard", go, { class: "button-like small ghost" }), who);
  const paint = (user: PublicUser | null) => {
    const dialogs = (open: "openSignIn" | "openRegister") => async () => {
      try {
        (await loadDialogs())[open](() => paint(currentUser()));
      } catch {
        toast("Could not open that: check your connection", "error");
      }
    };
    const signIn = button("signIn", "Sign in", () => void dialogs("openSignIn")(), { class: "small ghost" });
    const register = button("register", "Register", () => void dialogs("openRegister")(), { class: "small primary" });
    if (!user) return replace(who, signIn, register);
    if (user.guest) return replace(who, h("span", { class: "muted", "data-user": "guest" }, `Guest: ${user.name}`), signIn, register);
    replace(who,
      link("profile", profilePath(user.name), user.name, go, { class: "button-like small ghost", "data-user": "registered", title: "Your profile" }),
      button("signOut", "Sign out", () => void signOut().then(() => toast("Signed out")), { class: "small ghost" }));
  };
  paint(currentUser());
  return { bar, stop: onUserChange(paint) };
}
