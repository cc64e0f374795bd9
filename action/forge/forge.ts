import type { ForgeState } from "../../core/api/types.js";
import type { Artifact } from "../../core/protocol/messages.js";

/** A commit status as forges show it (Gitea, GitHub, the built-in git host). */
export interface CommitStatus {
  /** "owner/name" */
  repo: string;
  commit: string;
  /** `ailab/<task name>` */
  context: string;
  state: ForgeState;
  description: string;
  targetUrl: string;
  taskId: string;
}

/** What a task leaves behind when it ends: a tag at the commit, and its artifacts. */
export interface Release {
  repo: string;
  commit: string;
  /** `ailab/<task id>` */
  tag: string;
  taskId: string;
  /** One line: the final status description. */
  title: string;
  artifacts: Artifact[];
  targetUrl: string;
}

/**
 * Where task results are shown. The built-in git host is the only one today;
 * Gitea and GitHub adapters implement the same two calls. Both are
 * idempotent: the action repeats them until they succeed.
 */
export interface Forge {
  setStatus(status: CommitStatus): Promise<void>;
  publishRelease(release: Release): Promise<void>;
}
