// The contract between the server and every client (the browser, bots, tests): one declaration of
// each message, option, state field and HTTP body. docs/protocol.md describes it in words.
// The browser imports values only from the modules without zod (room.ts, server-messages.ts,
// state.ts); everything else it imports as types.
export * from "./room.ts";
export * from "./rules.ts";
export * from "./client-messages.ts";
export * from "./options.ts";
export * from "./server-messages.ts";
export * from "./state.ts";
export * from "./export.ts";
export * from "./http.ts";
export * from "./synced-view.ts";
export * from "./accounts.ts";
export * from "./players.ts";
