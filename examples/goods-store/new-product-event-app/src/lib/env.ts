/**
 * Reading configuration from environment variables. Problems are collected
 * (never the values: some keys are secrets) so one error lists all of them.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** A required, non-blank string. */
  string(key: string): string {
    const value = this.env[key]?.trim();
    if (!value) {
      this.problems.push(`${key} is required`);
      return '';
    }
    return value;
  }

  /** An optional string, or `fallback` when unset or blank. */
  optionalString(key: string, fallback: string): string {
    const value = this.env[key]?.trim();
    return value ? value : fallback;
  }

  /** A string that must match `pattern`; `hint` explains the expected shape. */
  matching(key: string, pattern: RegExp, hint: string, fallback?: string): string {
    const value = fallback === undefined ? this.string(key) : this.optionalString(key, fallback);
    if (value && !pattern.test(value)) {
      this.problems.push(`${key} must be ${hint}`);
    }
    return value;
  }

  /** A base-10 integer within [min, max]. */
  integer(key: string, fallback: string, min: number, max: number): number {
    const raw = this.optionalString(key, fallback);
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      this.problems.push(`${key} must be an integer between ${min} and ${max}`);
      return 0;
    }
    return value;
  }

  /** Throws a ConfigError naming every problem found so far. */
  done(): void {
    if (this.problems.length > 0) {
      throw new ConfigError([...this.problems]);
    }
  }
}
