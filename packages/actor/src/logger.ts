/**
 * The logger port. Supervisor and crash reports are structured objects handed to this port; the server
 * plugs pino in, tests plug in {@link MemoryLogger}, and the default prints JSON lines to stderr.
 */

/** Log levels, lowest first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A pino-compatible subset: an object first, an optional message second. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that discards everything. */
export const silentLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
});

/**
 * Prints one JSON line per entry at or above `level` to stderr (default `warn`).
 *
 * @example
 * new ActorSystem({ logger: consoleLogger({ level: 'info' }) });
 */
export function consoleLogger(options: { level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const min = LOG_LEVELS.indexOf(options.level ?? 'warn');
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const at =
    (level: LogLevel) =>
    (obj: object, msg?: string): void => {
      if (LOG_LEVELS.indexOf(level) < min) return;
      write(JSON.stringify({ level, time: new Date().toISOString(), ...obj, ...(msg === undefined ? {} : { msg }) }, jsonReplacer));
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** JSON replacer that prints Errors, Pids, Maps and Sets readably. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack };
  }
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** One captured log entry. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly obj: Record<string, unknown>;
  readonly msg: string | undefined;
}

/** Keeps every entry in memory, for tests that assert on reports. */
export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];
  debug(obj: object, msg?: string): void {
    this.#add('debug', obj, msg);
  }
  info(obj: object, msg?: string): void {
    this.#add('info', obj, msg);
  }
  warn(obj: object, msg?: string): void {
    this.#add('warn', obj, msg);
  }
  error(obj: object, msg?: string): void {
    this.#add('error', obj, msg);
  }
  /** Entries whose `report` field equals `name`. */
  reports(name: string): Record<string, unknown>[] {
    return this.entries.filter((e) => e.obj['report'] === name).map((e) => e.obj);
  }
  #add(level: LogLevel, obj: object, msg: string | undefined): void {
    this.entries.push({ level, obj: obj as Record<string, unknown>, msg });
  }
}
