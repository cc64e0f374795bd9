import { test } from "node:test";
import assert from "node:assert/strict";
import { checkPythonAvailable, pythonFits } from "../../../core/python/check-python-available.js";
import { readPythonAsk } from "../../../core/python/read-python-ask.js";

const RUNNERS = ["3.12.4", "3.11.7", "3.11.2"];

test("requires-python specifiers are read as PEP 440 against the runners' versions", () => {
  const fits = (requiresPython: string) => RUNNERS.filter((v) => pythonFits({ requiresPython }, v));
  assert.deepEqual(fits(">=3.11"), RUNNERS);
  assert.deepEqual(fits(">=3.10,<3.12"), ["3.11.7", "3.11.2"]);
  assert.deepEqual(fits("~=3.11"), RUNNERS);
  assert.deepEqual(fits("~=3.11.3"), ["3.11.7"]);
  assert.deepEqual(fits("==3.11.*"), ["3.11.7", "3.11.2"]);
  assert.deepEqual(fits("!=3.11.*"), ["3.12.4"]);
  assert.deepEqual(fits("==3.11.2"), ["3.11.2"]);
  assert.deepEqual(fits(">3.11.7"), ["3.12.4"]);
  assert.deepEqual(fits("<=3.11"), [], "3.11.7 is later than 3.11 in PEP 440");
  assert.deepEqual(fits(" >= 3.12 "), ["3.12.4"]);
  assert.deepEqual(fits(">=3.13"), []);
  assert.deepEqual(fits("nonsense"), RUNNERS, "what cannot be read is left to uv");
});

test(".python-version requests: a version prefix, cpython@, a specifier; comments and blank lines skipped", () => {
  const fits = (pythonVersionFile: string) => RUNNERS.filter((v) => pythonFits({ pythonVersionFile }, v));
  assert.deepEqual(fits("3.11\n"), ["3.11.7", "3.11.2"]);
  assert.deepEqual(fits("3.11.2"), ["3.11.2"]);
  assert.deepEqual(fits("# pinned\n\ncpython@3.12\n"), ["3.12.4"]);
  assert.deepEqual(fits("cpython-3.12"), ["3.12.4"]);
  assert.deepEqual(fits(">=3.12"), ["3.12.4"]);
  assert.deepEqual(fits("3.9"), []);
  assert.deepEqual(fits("pypy@3.10"), RUNNERS, "left to uv");
  assert.deepEqual(RUNNERS.filter((v) => pythonFits({ requiresPython: ">=3.12", pythonVersionFile: "3.11" }, v)), [], "both must hold");
});

test("checkPythonAvailable names the versions runners have, and refuses nothing while runners have not said", () => {
  assert.deepEqual(checkPythonAvailable(">=3.11", "3.11", RUNNERS), { ok: true, versions: ["3.11.7", "3.11.2"] });
  assert.deepEqual(checkPythonAvailable(">=3.13", undefined, RUNNERS), {
    ok: false,
    message: 'requires-python ">=3.13" asks for a Python no runner has: runners have 3.12.4, 3.11.7, 3.11.2',
  });
  assert.deepEqual(checkPythonAvailable(">=3.8", "3.9\n", RUNNERS), {
    ok: false,
    message: 'requires-python ">=3.8" and .python-version "3.9" asks for a Python no runner has: runners have 3.12.4, 3.11.7, 3.11.2',
  });
  assert.deepEqual(checkPythonAvailable(">=3.13", undefined, []), { ok: true, versions: [] });
});

test("readPythonAsk takes requires-python from pyproject text and the .python-version text as written", () => {
  assert.deepEqual(readPythonAsk('[project]\nname = "x"\nrequires-python = ">=3.10"\n', "3.11\n"), { requiresPython: ">=3.10", pythonVersionFile: "3.11\n" });
  assert.deepEqual(readPythonAsk('[project]\nname = "x"\n', undefined), {});
  assert.deepEqual(readPythonAsk("not = [toml", undefined), {});
});
