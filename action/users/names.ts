import { AilabError } from "../../core/errors.js";

/** User names (also the owner part of a repository): lower case, short, safe in paths and URLs. */
export const USER_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
/** Repository names: safe as one path segment (no leading dot, so never `.` or `..`). */
export const REPO_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A name that does not have the required form. code "InvalidName". */
export class InvalidNameError extends AilabError {
  constructor(kind: "user" | "repository", value: string, pattern: RegExp) {
    super("InvalidName", `${kind} name ${JSON.stringify(value)} must match ${pattern.source}`, { kind, value });
  }
}

export function assertUserName(name: string): void {
  if (!USER_NAME_PATTERN.test(name)) throw new InvalidNameError("user", name, USER_NAME_PATTERN);
}

/** A repository named `owner/name`, both parts checked. */
export interface RepoName {
  owner: string;
  name: string;
}

/** True when both parts have the required form; `.git` endings are refused so paths stay unambiguous. */
export function isRepoName(repo: RepoName): boolean {
  return USER_NAME_PATTERN.test(repo.owner) && REPO_NAME_PATTERN.test(repo.name) && !repo.name.endsWith(".git");
}

/** Parses "owner/name"; throws InvalidNameError. */
export function parseRepoName(text: string): RepoName {
  const [owner = "", name = "", ...rest] = text.split("/");
  const repo = { owner, name };
  if (rest.length > 0 || !isRepoName(repo)) throw new InvalidNameError("repository", text, /^OWNER\/NAME$/);
  return repo;
}

export function repoKey(repo: RepoName): string {
  return `${repo.owner}/${repo.name}`;
}
