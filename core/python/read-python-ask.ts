import { parse } from "smol-toml";
import type { PythonAsk } from "./check-python-available.js";

/**
 * The Python a project asks for, from the text of its pyproject.toml
 * (`[project] requires-python`) and of its `.python-version` (undefined when
 * the project has none). A pyproject that is not TOML asks for nothing here:
 * other checks say what is wrong with it.
 */
export function readPythonAsk(pyprojectText: string | undefined, pythonVersionText: string | undefined): PythonAsk {
  const ask: PythonAsk = {};
  if (pyprojectText !== undefined) {
    try {
      const project = parse(pyprojectText).project;
      const requires = typeof project === "object" && project !== null && !Array.isArray(project) ? (project as Record<string, unknown>)["requires-python"] : undefined;
      if (typeof requires === "string") ask.requiresPython = requires;
    } catch {
      // Not TOML: nothing asked.
    }
  }
  if (pythonVersionText !== undefined) ask.pythonVersionFile = pythonVersionText;
  return ask;
}
