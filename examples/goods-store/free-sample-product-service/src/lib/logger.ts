/**
 * Structured logger: one JSON object per line on stdout, with the `severity`
 * field Google Cloud Logging understands. Never pass secrets in `fields`.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

type Severity = 'INFO' | 'WARNING' | 'ERROR';
export type LineSink = (line: string) => void;

const stdoutSink: LineSink = (line) => {
  process.stdout.write(line);
};

export function createLogger(base: LogFields = {}, sink: LineSink = stdoutSink): Logger {
  const emit = (severity: Severity, message: string, fields?: LogFields): void => {
    const entry = { severity, time: new Date().toISOString(), message, ...base, ...fields };
    sink(`${JSON.stringify(entry)}\n`);
  };
  return {
    info: (message, fields) => emit('INFO', message, fields),
    warn: (message, fields) => emit('WARNING', message, fields),
    error: (message, fields) => emit('ERROR', message, fields),
    child: (fields) => createLogger({ ...base, ...fields }, sink),
  };
}

/** A logger that drops everything (for tests). */
export const silentLogger: Logger = createLogger({}, () => undefined);

/**
 * Safe summary of an error for logs. SDK errors carry the original request,
 * including the bearer token, so only whitelisted fields are copied.
 */
export function describeError(err: unknown): LogFields {
  if (err instanceof Error) {
    const statusCode = (err as { statusCode?: unknown }).statusCode;
    return {
      errorName: err.name,
      errorMessage: err.message,
      ...(typeof statusCode === 'number' ? { statusCode } : {}),
    };
  }
  return { errorMessage: String(err) };
}
