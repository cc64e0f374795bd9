import type { RunCard } from "../../../core/protocol/messages.js";
import { formatGpuHours } from "../../../core/format-gpu-hours.js";

/** An artifact too large for the forge, kept by ailab and linked from the release. */
export interface LinkedArtifact {
  name: string;
  size: number;
  url: string;
}

/**
 * The release body: the run card as a Markdown table (what ran, where, how
 * it ended, what it cost) and a link to the task page. Every value is from
 * run.json or the task and is escaped so that a description cannot add
 * Markdown of its own.
 */
export function runCardMarkdown(input: { title: string; targetUrl: string; runner: string | null; card: RunCard | undefined; linked: LinkedArtifact[] }): string {
  const { card } = input;
  const lines = [`**${escape(input.title)}**`, "", `[Task page](${input.targetUrl})`, ""];
  if (card) {
    const rows: [string, string][] = [
      ["Commit", `\`${card.commit}\``],
      ["Branch", `\`${escape(card.branch)}\``],
      ["State", `${card.state}: ${escape(card.description)}`],
      ["Exit code", card.exitCode === null ? "—" : String(card.exitCode)],
      ["Environment", `\`${card.envHash}\``],
      ["Runner", escape(input.runner ?? "—")],
      ["Scheduler", escape(card.scheduler)],
      ["Job id", card.jobId === null ? "—" : `\`${escape(card.jobId)}\``],
      ["Node", card.node === null ? "—" : escape(card.node)],
      ["GPUs", card.gpus === 0 ? "none" : `${card.gpus}${card.gpuIds.length ? ` (${card.gpuIds.map(escape).join(", ")})` : ""}`],
      ["Submitted", card.submittedAt ?? "—"],
      ["Started", card.startedAt ?? "—"],
      ["Ended", card.endedAt ?? "—"],
      ["GPU-hours", formatGpuHours(card.gpuHours)],
    ];
    lines.push("| | |", "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v} |`), "");
    if (card.runs?.length) {
      lines.push("| run | parameters | exit code |", "| --- | --- | --- |");
      for (const run of card.runs) {
        const parameters = Object.entries(run.parameters).map(([k, v]) => `${escape(k)}=${escape(String(v))}`).join(", ");
        lines.push(`| ${run.index} | ${parameters} | ${run.exitCode ?? "—"} |`);
      }
      lines.push("");
    }
  }
  if (input.linked.length) {
    lines.push("Too large for the forge, kept by ailab (download with `ailab pull` or your ailab token):", "");
    for (const a of input.linked) lines.push(`- [${escape(a.name)}](${a.url}) (${a.size} bytes)`);
    lines.push("");
  }
  return lines.join("\n");
}

/** Markdown-inert text: no tables split, no links, no HTML, one line. */
function escape(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/[\\`*_{}[\]()#+!|<>~]/g, (c) => `\\${c}`);
}
