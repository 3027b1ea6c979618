/** Why the local environment could not be brought up or down. */
export class LocalEnvError extends Error {
  /** Stable code for callers: `LOCAL_<WHAT>`. */
  readonly code: string;
  /** False: every cause here needs a person (install Java, free the directory, read the log). */
  readonly canRetry = false;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalEnvError';
    this.code = code;
  }
}
