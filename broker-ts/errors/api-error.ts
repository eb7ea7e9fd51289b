// A failure to answer with a Kafka error code (and, where the response has room for it, a message).
// Thrown by the controller, the group coordinator and the replica manager; handlers put the code in
// the right place of their response.
import { ErrorCode, errorName } from '@kafka-chaos/protocol';
import type { ErrorCodeName } from '@kafka-chaos/protocol';
import { StorageError } from '../storage/index.js';

export class ApiError extends Error {
  override readonly name = 'ApiError';

  /** What goes in the response's error message field: null when Kafka sends none. */
  readonly responseMessage: string | null;

  constructor(
    readonly code: number,
    message?: string | null,
  ) {
    super(message ?? errorName(code));
    this.responseMessage = message === undefined ? this.message : message;
  }

  static of(name: ErrorCodeName, message?: string): ApiError {
    return new ApiError(ErrorCode[name], message);
  }
}

/** The Kafka error code for anything thrown while serving a request. */
export function errorCodeOf(error: unknown): number {
  if (error instanceof ApiError) return error.code;
  if (error instanceof StorageError) return error.errorCode;
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

/** The message for the response, if the error carries one worth sending. */
export function errorMessageOf(error: unknown): string | null {
  if (error instanceof ApiError) return error.responseMessage;
  if (error instanceof StorageError) return error.message;
  return null;
}
