import { errnoCode } from "../errors.js";

/**
 * System errors that say the storage or the network is unavailable for now,
 * not that the request was wrong: a full or read-only disk, a refused,
 * reset or timed-out connection, a name that does not resolve yet.
 */
const OUTAGE_ERRNO = new Set([
  "ENOSPC",
  "EDQUOT",
  "EROFS",
  "EIO",
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** Names the AWS SDK gives to a request that got no usable answer. */
const OUTAGE_NAMES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException", "NetworkingError", "AbortError", "ServiceUnavailable", "SlowDown", "InternalError"]);

/**
 * True when `e` means "the relay (a folder or S3) cannot be reached or
 * written right now": work that hit it should wait and try again, for as
 * long as the outage lasts, rather than end in an error. Looks through
 * `cause` chains, as the SDK and our own errors wrap the system error.
 */
export function isOutage(e: unknown): boolean {
  for (let at: unknown = e, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    const code = errnoCode(at);
    if (code !== undefined && OUTAGE_ERRNO.has(code)) return true;
    if (OUTAGE_NAMES.has(at.name)) return true;
    const status = (at as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined && (status >= 500 || status === 429)) return true;
  }
  return false;
}

/**
 * When to try again after `attempts` failures: doubling from `baseMs` up to
 * `capMs`, with ±20 % jitter so that many waiting pushes do not all retry in
 * the same second when the relay comes back.
 */
export function retryDelayMs(attempts: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const plain = Math.min(capMs, baseMs * 2 ** Math.min(attempts, 30));
  return Math.round(plain * (0.8 + 0.4 * random()));
}
