// The shared Six-Card Golf engine: rules, state machine, views and CPU players.
export * from "./cards.ts";
export * from "./rng.ts";
export * from "./rules.ts";
export * from "./types.ts";
export * from "./settings.ts";
export * from "./decide.ts";
export * from "./evolve.ts";
export * from "./owed.ts";
export * from "./verify.ts";
export * from "./names.ts";
export * from "./view.ts";
export * from "./profiles.ts";
export * from "./moves.ts";
export * from "./pacing.ts";
export * from "./table-policy.ts";
export * from "./cpu/index.ts";
