import { isRepoName, type RepoName } from "../users/names.js";

/** A request to the git host, understood from its URL alone. */
export interface GitRequest {
  repo: RepoName;
  /** PATH_INFO for git http-backend: `/<owner>/<name>.git/<rest>`. */
  pathInfo: string;
  /** What the request needs: pushing is "write", everything else "read". */
  access: "read" | "write";
  /** True for the POST that carries a push (after which refs may have moved). */
  isReceivePack: boolean;
}

const GIT_PATH = /^\/git\/([^/]+)\/([^/]+)\/(.*)$/;
/** The paths smart and dumb HTTP clients use; anything else is refused. */
const REST_PATTERN = /^(info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/[0-9a-f]{2}\/[0-9a-f]{38}|objects\/info\/[a-z-]+|objects\/pack\/pack-[0-9a-f]{40,64}\.(pack|idx))$/;

/**
 * Parses `/git/<owner>/<repo>[.git]/<rest>` and the query. Returns undefined
 * for anything that is not a well-formed git request, so nothing from the
 * URL reaches a path unchecked.
 */
export function parseGitRequest(method: string, pathname: string, query: URLSearchParams): GitRequest | undefined {
  const match = GIT_PATH.exec(pathname);
  if (!match) return undefined;
  const [, owner = "", rawName = "", rest = ""] = match;
  const repo = { owner, name: rawName.endsWith(".git") ? rawName.slice(0, -".git".length) : rawName };
  if (!isRepoName(repo) || !REST_PATTERN.test(rest)) return undefined;
  const service = query.get("service");
  const isReceivePack = rest === "git-receive-pack" && method === "POST";
  const access = isReceivePack || rest === "git-receive-pack" || (rest === "info/refs" && service === "git-receive-pack") ? "write" : "read";
  return { repo, pathInfo: `/${repo.owner}/${repo.name}.git/${rest}`, access, isReceivePack };
}
