// Typed errors of the event store, so callers can react with `instanceof` (pick another code,
// reload a game, answer 404, report "database down") instead of parsing messages.

/** The base of every error the store throws on purpose. */
export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The database could not be reached, or the connection died during the operation. For an append
 * this means none of the events of that append are visible, or (if the connection died after the
 * COMMIT was sent) all of them are: never a part. The caller can retry with the same expectedSeq;
 * a ConflictError then says the first try did commit.
 */
export class StoreUnavailableError extends StoreError {}

/**
 * An append whose statement was sent but whose answer never came (the connection died): it may have
 * committed, all of it, or not at all. `EventLog.appendOutcome` tells which, once the database
 * answers again.
 */
export class CommitUnknownError extends StoreUnavailableError {}

/** An append whose expectedSeq is not the game's last committed seq: a duplicate, a second writer or a gap. */
export class ConflictError extends StoreError {
  constructor(
    readonly gameId: string,
    readonly expectedSeq: number,
    readonly actualSeq: number,
  ) {
    super(`append to game ${gameId} expected last seq ${expectedSeq} but the last committed seq is ${actualSeq}`);
  }
}

export class UnknownGameError extends StoreError {
  constructor(readonly gameId: string) {
    super(`unknown game ${gameId}`);
  }
}

/** Another unfinished game (lobby or running, on any node) already has this code. */
export class CodeTakenError extends StoreError {
  constructor(readonly code: string) {
    super(`the code ${code} is taken by another unfinished game`);
  }
}

/** Export and share need a finished or abandoned game. */
export class NotFinishedError extends StoreError {
  constructor(
    readonly gameId: string,
    readonly status: string,
  ) {
    super(`game ${gameId} is ${status}, not finished`);
  }
}

/** An import document that does not have the shape of a golf-game export. */
export class BadExportError extends StoreError {
  constructor(readonly problem: string) {
    super(`bad export: ${problem}`);
  }
}

/** A migration could not be applied; the message names the migration when it is known. */
export class MigrationError extends StoreError {}

/** A read the store cannot answer as asked: a cursor it did not hand out, a page size, a board, a user id. */
export class BadQueryError extends StoreError {}

/** A registration or rename whose username another account has (ignoring case). */
export class UsernameTakenError extends StoreError {
  constructor(readonly username: string) {
    super(`the username ${username} is taken`);
  }
}

/** A registration whose email another account has (ignoring case). */
export class EmailTakenError extends StoreError {
  constructor(readonly email: string) {
    super("an account with this email exists");
  }
}
