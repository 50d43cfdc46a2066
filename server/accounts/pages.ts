// The two pages a mailed link opens: the password reset form and the email confirmation result.
// Ours rather than the module's, whose pages need inline scripts (our CSP allows none): plain HTML,
// every value escaped, the form posted to /auth/reset-password.
import { MIN_PASSWORD_LENGTH } from "../../shared/protocol/index.ts";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} - Six-Card Golf</title>
<style>
body { font-family: system-ui, sans-serif; background: #1f3b2d; color: #222; display: flex; justify-content: center; align-items: center; min-height: 100vh; margin: 0; }
main { background: #fff; padding: 2em; border-radius: 8px; max-width: 24em; }
input { display: block; width: 100%; box-sizing: border-box; margin: 0.5em 0 1em; padding: 0.5em; font-size: 1em; }
button { padding: 0.5em 1em; font-size: 1em; }
.error { color: #a00; } .done { color: #060; }
</style>
</head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
<p><a href="/">Back to the game</a></p></main></body>
</html>`;
}

/** The reset form for the link's token, with the outcome of a post (an error, or done). */
export function resetPasswordPage(options: { token: string; error?: string; done?: boolean }): string {
  if (options.done) return page("Password changed", `<p class="done">Your password is changed, and every device was signed out. Sign in with the new password.</p>`);
  const error = options.error ? `<p class="error">${escapeHtml(options.error)}</p>` : "";
  return page(
    "Choose a new password",
    `${error}<form method="post" action="/auth/reset-password">
<input type="hidden" name="token" value="${escapeHtml(options.token)}">
<label>New password (at least ${MIN_PASSWORD_LENGTH} characters)
<input type="password" name="password" minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password" required></label>
<button type="submit">Change password</button>
</form>`,
  );
}

/** The outcome of a confirmation link. */
export function confirmEmailPage(outcome: { ok: boolean; message: string }): string {
  return page(outcome.ok ? "Email confirmed" : "Email not confirmed", `<p class="${outcome.ok ? "done" : "error"}">${escapeHtml(outcome.message)}</p>`);
}
