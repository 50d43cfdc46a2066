// The event store's public surface: the store, its options, its types and its errors.
export { EventStore, type EventStoreOptions } from "./event-store.ts";
export { EmbeddedPostgres } from "./embedded.ts";
export {
  BadExportError,
  CodeTakenError,
  CommitUnknownError,
  ConflictError,
  MigrationError,
  NotFinishedError,
  StoreError,
  StoreUnavailableError,
  UnknownGameError,
} from "./errors.ts";
export type * from "./types.ts";
