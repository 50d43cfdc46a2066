// CPU players: a policy over a seat's view, shaped by a personality's traits.
export { cpuCommand } from "./policy.ts";
