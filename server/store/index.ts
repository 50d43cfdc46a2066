// The store's public surface: openStore, its options, the parts' interfaces, the shapes they read
// and write, and the errors they throw.
export { openStore, type StoreOptions } from "./open-store.ts";
export { EmbeddedPostgres } from "./embedded.ts";
export {
  BadExportError,
  CodeTakenError,
  CommitUnknownError,
  EmailTakenError,
  ConflictError,
  MigrationError,
  NotFinishedError,
  BadQueryError,
  StoreError,
  StoreUnavailableError,
  UnknownGameError,
  UsernameTakenError,
} from "./errors.ts";
export type * from "./types.ts";
