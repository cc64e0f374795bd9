import { parse } from "smol-toml";

/**
 * Whether uv would build and install this project into its environment
 * (`uv sync`, `uv run`), read from its pyproject.toml text the way uv
 * decides it: `[tool.uv] package = true/false` wins; otherwise a project
 * with a `[build-system]` table is a package (what `uv init --package` and
 * `uv init --lib` write) and one without is not (`uv init`'s flat
 * application). A file with no `[project]` table (a virtual workspace root)
 * or that is not TOML is no package.
 */
export function isPackageProject(pyprojectText: string): boolean {
  let doc: Record<string, unknown>;
  try {
    doc = parse(pyprojectText);
  } catch {
    return false;
  }
  if (!isTable(doc.project)) return false;
  const tool = isTable(doc.tool) ? doc.tool : {};
  const uv = isTable(tool.uv) ? tool.uv : {};
  if (typeof uv.package === "boolean") return uv.package;
  return isTable(doc["build-system"]);
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
