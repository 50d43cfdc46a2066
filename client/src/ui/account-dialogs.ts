// The sign-in and register dialogs, loaded when first opened (the lobby works without them, as a
// guest). Errors show inline, under the field they are about: a taken username or email, a short
// password, a wrong password, a banned account.
import { MIN_PASSWORD_LENGTH } from "../../../shared/protocol/account-limits.ts";
import type { AuthErrorCode } from "../../../shared/protocol/accounts.ts";
import { AccountError, currentUser, mergeGuest, register, sendPasswordReset, signIn } from "../net/account.ts";
import { button, h } from "./dom.ts";
import { openDialog, type Dialog } from "./dialog.ts";
import { toast } from "./toast.ts";

type FieldName = "email" | "password" | "username";

/** Which field an error is about (the rest show under the form). */
const FIELD_OF: Partial<Record<AuthErrorCode, FieldName>> = {
  USERNAME_TAKEN: "username",
  BAD_USERNAME: "username",
  EMAIL_TAKEN: "email",
  PASSWORD_TOO_SHORT: "password",
};

const MESSAGES: Partial<Record<AuthErrorCode | "NETWORK", string>> = {
  USERNAME_TAKEN: "That username is taken: try another.",
  EMAIL_TAKEN: "An account already uses that email: sign in instead.",
  INVALID_CREDENTIALS: "Wrong email or password.",
  RATE_LIMITED: "Too many tries: wait a minute, then try again.",
  NETWORK: "The server cannot be reached right now.",
};

interface Field {
  input: HTMLInputElement;
  error: HTMLElement;
  row: HTMLElement;
}

function field(name: FieldName, label: string, props: Record<string, unknown>): Field {
  const id = `account-${name}`;
  const error = h("p", { class: "field-error", id: `${id}-error`, role: "alert", hidden: true });
  const input = h("input", { id, name, locate: `field:${name}`, "aria-describedby": error.id, required: true, ...props });
  input.addEventListener("input", () => clear(fieldOf));
  const fieldOf: Field = { input, error, row: h("div", { class: "field" }, h("label", { for: id }, label), input, error) };
  return fieldOf;
}

function show(target: Field | HTMLElement, message: string): void {
  const error = target instanceof HTMLElement ? target : target.error;
  error.textContent = message;
  error.hidden = false;
  if (!(target instanceof HTMLElement)) {
    target.input.classList.add("invalid");
    target.input.setAttribute("aria-invalid", "true");
    target.input.focus();
  }
}

function clear(target: Field): void {
  target.error.hidden = true;
  target.input.classList.remove("invalid");
  target.input.removeAttribute("aria-invalid");
}

/** Runs `act` with the submit button busy; an AccountError lands under its field or the form. */
async function submitting(submit: HTMLButtonElement, fields: Partial<Record<FieldName, Field>>, formError: HTMLElement, act: () => Promise<void>): Promise<void> {
  formError.hidden = true;
  for (const each of Object.values(fields)) clear(each);
  submit.disabled = true;
  try {
    await act();
  } catch (error) {
    const failure = error instanceof AccountError ? error : new AccountError("NETWORK", (error as Error).message);
    const message = MESSAGES[failure.code] ?? failure.message;
    const target = FIELD_OF[failure.code as AuthErrorCode];
    const where = target ? fields[target] : undefined;
    show(where ?? formError, message);
  } finally {
    submit.disabled = false;
  }
}

export function openRegister(onDone: () => void): void {
  const guest = currentUser()?.guest;
  openDialog("Register", (dialog) => {
    const fields = {
      username: field("username", "Username", { autocomplete: "username", maxlength: 20, pattern: "[A-Za-z0-9_\\-]{3,20}", placeholder: "3-20 letters, digits, _ or -" }),
      email: field("email", "Email", { type: "email", autocomplete: "email", maxlength: 254 }),
      password: field("password", "Password", { type: "password", autocomplete: "new-password", minlength: MIN_PASSWORD_LENGTH, placeholder: `at least ${MIN_PASSWORD_LENGTH} characters` }),
    };
    const formError = h("p", { class: "field-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary", locate: "button:submitRegister" }, "Register");
    const form = h("form", { class: "account-form", novalidate: true },
      guest ? h("p", { class: "hint" }, "Your games as a guest stay yours.") : null,
      fields.username.row, fields.email.row, fields.password.row, formError,
      h("div", { class: "actions" }, button("toSignIn", "I have an account", () => {
        dialog.close();
        openSignIn(onDone);
      }, { class: "ghost" }), submit));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (fields.password.input.value.length < MIN_PASSWORD_LENGTH) return show(fields.password, `A password has at least ${MIN_PASSWORD_LENGTH} characters.`);
      void submitting(submit, fields, formError, async () => {
        const user = await register(fields.email.input.value.trim(), fields.password.input.value, fields.username.input.value.trim());
        dialog.close();
        toast(`Welcome, ${user.name}! Check your mail to confirm your email.`, "good", 4000);
        onDone();
      });
    });
    return [form];
  }, { id: "register" });
}

export function openSignIn(onDone: () => void): void {
  openDialog("Sign in", (dialog) => {
    const fields = {
      email: field("email", "Email", { type: "email", autocomplete: "email", maxlength: 254 }),
      password: field("password", "Password", { type: "password", autocomplete: "current-password" }),
    };
    const formError = h("p", { class: "field-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "primary", locate: "button:submitSignIn" }, "Sign in");
    const forgot = button("forgotPassword", "Forgot password?", () => void sendReset(), { class: "ghost small" });
    async function sendReset(): Promise<void> {
      const email = fields.email.input.value.trim();
      if (!email) return show(fields.email, "Type your email first, then ask again.");
      await submitting(forgot, fields, formError, async () => {
        await sendPasswordReset(email);
        toast("If an account has that email, a reset link is on its way.", "good", 5000);
      });
    }
    const form = h("form", { class: "account-form", novalidate: true },
      fields.email.row, fields.password.row, formError,
      h("div", { class: "actions" }, forgot, button("toRegister", "Register", () => {
        dialog.close();
        openRegister(onDone);
      }, { class: "ghost" }), submit));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void submitting(submit, fields, formError, async () => {
        const signed = await signIn(fields.email.input.value.trim(), fields.password.input.value);
        dialog.close();
        toast(`Signed in as ${signed.user.name}`, "good");
        onDone();
        if (signed.guest) offerMerge(signed.guest, onDone);
      });
    });
    return [form];
  }, { id: "signin" });
}

/** A guest with games signed in to an account: move those games into it? */
function offerMerge(guest: { token: string; games: number }, onDone: () => void): void {
  openDialog("Keep your guest games?", (dialog: Dialog) => {
    const plural = guest.games === 1 ? "game" : "games";
    const formError = h("p", { class: "field-error", role: "alert", hidden: true });
    const yes = button("mergeGuest", "Move them", () => {
      void submitting(yes, {}, formError, async () => {
        const count = await mergeGuest(guest.token);
        dialog.close();
        toast(`${count} ${count === 1 ? "game" : "games"} moved into your account`, "good");
        onDone();
      });
    }, { class: "primary" });
    return [
      h("p", null, `You played ${guest.games} ${plural} as a guest in this browser. Move ${guest.games === 1 ? "it" : "them"} (results and stats) into ${currentUser()?.name ?? "this account"}?`),
      formError,
      h("div", { class: "actions" }, button("skipMerge", "Keep apart", () => dialog.close(), { class: "ghost" }), yes),
    ];
  }, { id: "merge" });
}
