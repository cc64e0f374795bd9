import { ConfigError } from "../../core/errors.js";

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/**
 * `--expires` on token creation: a count of hours, days or weeks ("12h",
 * "30d", "8w"), counted from `now`. Anything else throws ConfigError
 * quoting the value and the expected form.
 */
export function parseExpiry(text: string, now: Date = new Date()): Date {
  const match = /^(\d{1,4})([hdw])$/.exec(text.trim());
  const count = match ? Number(match[1]) : 0;
  if (!match || count === 0) {
    throw new ConfigError(`--expires ${JSON.stringify(text)} is not a duration such as 12h, 30d or 8w`, { setting: "expires" });
  }
  return new Date(now.getTime() + count * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}
