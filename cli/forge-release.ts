import type { ForgeView } from "../core/api/types.js";

/** Opens one asset of a release by name; undefined when the release has no such asset. */
export type AssetOpener = (name: string) => Promise<ReadableStream<Uint8Array> | undefined>;

interface ReleaseJson {
  assets?: { id: number; name: string; browser_download_url: string }[];
}

/**
 * The release a task left on the forge (tag `ailab/<task id>`), read with the
 * student's own token. Undefined when there is none (yet): the caller falls
 * back to the action's API. Assets are fetched from the forge's own origin
 * only — a download URL elsewhere never gets the token.
 */
export async function openRelease(forge: ForgeView, token: string, repo: string, tag: string, fetchImpl: typeof fetch = fetch): Promise<AssetOpener | undefined> {
  const [owner = "", name = ""] = repo.split("/");
  const auth = { Authorization: `token ${token}` };
  const base = `${forge.apiUrl.replace(/\/+$/, "")}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  let response: Response;
  try {
    response = await fetchImpl(`${base}/releases/tags/${encodeURIComponent(tag)}`, { headers: { ...auth, Accept: "application/json" } });
  } catch {
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    return undefined;
  }
  const release = (await response.json()) as ReleaseJson;
  const assets = new Map((release.assets ?? []).map((a) => [a.name, a]));
  const origins = new Set([new URL(forge.url).origin, new URL(forge.apiUrl).origin]);
  return async (assetName) => {
    const asset = assets.get(assetName);
    if (!asset) return undefined;
    // GitHub serves an asset's bytes from the API with this Accept header; Gitea from its download URL.
    const url = forge.kind === "github" ? `${base}/releases/assets/${asset.id}` : asset.browser_download_url;
    if (!origins.has(new URL(url).origin)) return undefined;
    const download = await fetchImpl(url, { headers: { ...auth, Accept: "application/octet-stream" } });
    if (!download.ok || !download.body) {
      await download.body?.cancel();
      return undefined;
    }
    return download.body;
  };
}
