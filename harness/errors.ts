/**
 * An error meant for the person running the harness: its message says what went wrong and how to
 * fix it, so the CLI prints it without a stack trace and exits with status 2.
 */
export class HarnessError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HarnessError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
