// The account fields' lengths, apart from accounts.ts so the browser's dialogs can read them without
// loading zod or the engine.

/** Passwords: at least this many characters (the module alone accepts 6). */
export const MIN_PASSWORD_LENGTH = 8;
/** And at most this many, so nobody makes the server hash megabytes. */
export const MAX_PASSWORD_LENGTH = 200;
export const MAX_EMAIL_LENGTH = 254;
