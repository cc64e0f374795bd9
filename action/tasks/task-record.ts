import type { ArtifactView, ForgeState, TaskState } from "../../core/api/types.js";
import { FINAL_STATES } from "../../core/api/types.js";
import type { Artifact } from "../../core/protocol/messages.js";

/** A task as the action keeps it (one row of `tasks`). */
export interface TaskRecord {
  id: string;
  user: string;
  /** "owner/name" */
  repo: string;
  /** The full branch name, e.g. "ailab/train". */
  branch: string;
  commit: string;
  name: string;
  state: TaskState;
  forgeState: ForgeState;
  description: string;
  exitCode: number | null;
  /** A failed job's last lines of output (see Completion.output); null when there are none. */
  output: string | null;
  artifacts: Artifact[];
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
  cancelRequested: boolean;
  /** The runner the task was sent to; null for a task never sent (or sent before routing existed). */
  runner: string | null;
}

/** The forge shows queued, building and running as pending; cancelled is a failure. */
export function forgeStateOf(state: TaskState): ForgeState {
  switch (state) {
    case "success":
      return "success";
    case "failure":
    case "cancelled":
      return "failure";
    case "error":
      return "error";
    default:
      return "pending";
  }
}

export function isFinal(state: TaskState): boolean {
  return FINAL_STATES.includes(state);
}

/** The commit-status context of a task: `ailab/<task name>`. */
export function contextOf(task: Pick<TaskRecord, "name">): string {
  return `ailab/${task.name}`;
}

export function artifactViews(task: TaskRecord): ArtifactView[] {
  return task.artifacts.map((a) => ({ name: a.name, size: a.size, sha256: a.sha256 }));
}
