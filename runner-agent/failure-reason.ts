/**
 * Why a job failed, in the job's own words, from the tail of its log: the
 * exception line of the last Python traceback (`ZeroDivisionError: division
 * by zero`), or else the last line it wrote. The log is untrusted text, so
 * terminal escapes and control characters are removed and lengths capped
 * before anything of it reaches a commit status or a terminal.
 */
export interface FailureReason {
  /** One line, at most REASON_CHARS: what the status description shows after `exit code 1: `. */
  line: string;
  /** The last lines of the output (at most OUTPUT_LINES of OUTPUT_LINE_CHARS each): what `ailab status` shows. */
  output: string;
}

export const REASON_CHARS = 100;
export const OUTPUT_LINES = 10;
export const OUTPUT_LINE_CHARS = 200;

/** The batch script's own lines (`==> python train.py`), not the job's output. */
const SCRIPT_LINE = /^==> /;
const TRACEBACK = /^Traceback \(most recent call last\):$/;

/**
 * The reason in `tail`, the last bytes of a log; `partial` says the tail was
 * cut from a longer log, so its first line may be a fragment and is dropped.
 * Returns undefined when the log holds nothing readable.
 *
 * @example failureReason('Traceback (most recent call last):\n  File "t.py", line 1\n    1/0\nZeroDivisionError: division by zero\n')
 *          // → { line: "ZeroDivisionError: division by zero", output: "Traceback …" }
 */
export function failureReason(tail: string, partial = false): FailureReason | undefined {
  const raw = tail.split(/\r\n|\n|\r/);
  if (partial) raw.shift();
  const lines = raw.map(cleanLine).filter((l) => l.trim() !== "" && !SCRIPT_LINE.test(l));
  if (lines.length === 0) return undefined;
  const line = shorten((exceptionLine(lines) ?? lines[lines.length - 1]!).trim(), REASON_CHARS);
  const output = lines.slice(-OUTPUT_LINES).map((l) => shorten(l, OUTPUT_LINE_CHARS)).join("\n");
  return { line, output };
}

/** The first unindented line after the last `Traceback` header: Python's `Type: message`. */
function exceptionLine(lines: readonly string[]): string | undefined {
  let header = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (TRACEBACK.test(lines[i]!.trim())) {
      header = i;
      break;
    }
  }
  if (header < 0) return undefined;
  return lines.slice(header + 1).find((l) => !/^\s/.test(l));
}

/**
 * Terminal escapes (CSI colours, OSC titles) go first, whole; then every
 * other control character, C1 controls, bidirectional overrides (they
 * reorder what a terminal shows) and the replacement character that stands
 * for invalid UTF-8. Tabs become spaces.
 */
function cleanLine(line: string): string {
  return (
    line
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?|\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-_]?/g, "")
      .replace(/\t/g, " ")
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffd]/g, "")
      .trimEnd()
  );
}

function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}
