/**
 * GPU-hours as people read them next to a budget: two decimals from 1 up
 * (and for 0), two significant digits below, so that a small budget shows
 * what is used of it (`0.0049` of `0.005`, not `0.00`).
 *
 * @example formatGpuHours(10.5) // "10.50"
 * @example formatGpuHours(0.004913) // "0.0049"
 */
export function formatGpuHours(hours: number): string {
  if (hours === 0 || Math.abs(hours) >= 1) return hours.toFixed(2);
  // toPrecision keeps two significant digits; Number() then String() would drop a trailing zero, which is kept for alignment.
  return hours.toPrecision(2);
}
