// The API's errors as answers: every /api error is JSON `{ error }` (docs/http.md). HttpError
// carries its own status; the store's errors map to theirs here, once for every router.
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { BadExportError, BadQueryError, NotFinishedError, StoreUnavailableError, UnknownGameError } from "../store/index.ts";

/** An error with the HTTP status and JSON body to answer it with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Turns every error of the API into a JSON answer; only the unexpected ones are logged with their stack. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      // Too late to answer with an error: let express end the connection.
      next(err);
      return;
    }
    const { status, body } = errorAnswer(err);
    if (err instanceof HttpError) res.set(err.headers);
    if (status === 503) logger.warn({ method: req.method, path: req.originalUrl, err: (err as Error).message }, "HTTP request failed: database unavailable");
    else if (status >= 500) logger.error({ method: req.method, path: req.originalUrl, err }, "unexpected error in the HTTP API");
    res.status(status).json(body);
  };
}

function errorAnswer(err: unknown): { status: number; body: Record<string, unknown> } {
  if (err instanceof HttpError) return { status: err.status, body: { error: err.message, ...err.extra } };
  if (err instanceof UnknownGameError) return { status: 404, body: { error: `no game with id ${err.gameId}` } };
  if (err instanceof NotFinishedError) return { status: 404, body: { error: err.message } };
  if (err instanceof BadExportError) return { status: 400, body: { error: err.message } };
  if (err instanceof BadQueryError) return { status: 400, body: { error: err.message } };
  if (err instanceof StoreUnavailableError) return { status: 503, body: { error: "the database is unavailable: nothing was changed, try again later" } };
  // Errors of express and its body parsers that carry a client status (a path that does not
  // decode, a bad charset or encoding, an aborted body, ...): the client's mistake, said as such.
  const status = (err as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, body: { error: err instanceof Error ? err.message : "bad request" } };
  }
  return { status: 500, body: { error: "internal error: the server could not answer this request" } };
}
