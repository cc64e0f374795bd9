/**
 * Errors with stable codes. Callers and tests branch on `code`, never on the
 * message text; `data` carries the details a caller may want to show.
 */
export class AilabError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(code: string, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
  }
}

/** The configuration given to a program is wrong: names the setting and the expected form. */
export class ConfigError extends AilabError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("ConfigError", message, data);
  }
}

/** A relay message failed its signature or schema check. */
export class MessageError extends AilabError {
  constructor(code: "BadSignature" | "BadMessage" | "NewerProtocol", message: string, data: Record<string, unknown> = {}) {
    super(code, message, data);
  }
}

/** A key or path would leave the folder it belongs to. */
export class PathEscapeError extends AilabError {
  constructor(path: string, root: string) {
    super("PathEscape", `${JSON.stringify(path)} leads outside ${root}`, { path, root });
  }
}

/** True when `e` is an AilabError with the given code. */
export function hasCode(e: unknown, code: string): e is AilabError {
  return e instanceof AilabError && e.code === code;
}

/** The errno code of a Node system error (`ENOENT`, `EEXIST`, …), if it is one. */
export function errnoCode(e: unknown): string | undefined {
  if (e instanceof Error && "code" in e && typeof e.code === "string") return e.code;
  return undefined;
}
