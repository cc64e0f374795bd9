/**
 * A small structured logger. Lines go to stderr (or the given sink) as
 * `time level [tags] message key=value`. Secrets handed to `createLogger`
 * are replaced by `***` wherever they would appear.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(tags: Record<string, string>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  level?: LogLevel;
  secrets?: string[];
  sink?: (line: string) => void;
  tags?: Record<string, string>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + "\n"));
  const tags = options.tags ?? {};

  const redact = (text: string) => secrets.reduce((t, s) => t.split(s).join("***"), text);

  const write = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const tagText = Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(" ");
    const fieldText = Object.entries(fields ?? {})
      .map(([k, v]) => `${k}=${v instanceof Error ? JSON.stringify(v.message) : JSON.stringify(v)}`)
      .join(" ");
    const parts = [new Date().toISOString(), lvl.toUpperCase(), tagText && `[${tagText}]`, message, fieldText];
    sink(redact(parts.filter(Boolean).join(" ")));
  };

  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (more) => createLogger({ ...options, tags: { ...tags, ...more } }),
  };
}

/** A logger that drops everything: the default in tests that do not read logs. */
export const silentLogger: Logger = createLogger({ sink: () => {} });
