import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Document } from "openapi-backend";
import { packageRoot } from "../../../core/package-root.js";
import { SpecValidator } from "./spec-validator.js";

// Gitea's Swagger 2.0 description, converted once per process to OAS 3.0
// (swagger2openapi) for the validator.

const require = createRequire(import.meta.url);
interface Swagger2 {
  consumes?: string[];
  paths: Record<string, Record<string, { operationId?: string; consumes?: string[] }>>;
}
const swagger2openapi = require("swagger2openapi") as {
  convertObj(doc: Swagger2, options: { patch: boolean; warnOnly: boolean }): Promise<{ openapi: Document }>;
};

export const GITEA_SPEC_FILE = join(packageRoot(), "test/fixtures/forge/gitea-swagger.v1.json");

let loading: Promise<SpecValidator> | undefined;

/** The validator for `/api/v1`, shared by every fake Gitea in the process. */
export function giteaSpec(): Promise<SpecValidator> {
  loading ??= load();
  return loading;
}

async function load(): Promise<SpecValidator> {
  const swagger = JSON.parse(await readFile(GITEA_SPEC_FILE, "utf8")) as Swagger2;
  // The conversion folds form parameters into one multipart body and drops
  // the other types an operation `consumes` (the asset upload's
  // application/octet-stream): keep the Swagger list for the content-type check.
  const consumes = new Map<string, string[]>();
  for (const methods of Object.values(swagger.paths)) {
    for (const op of Object.values(methods)) {
      if (op && typeof op === "object" && op.operationId) consumes.set(op.operationId, op.consumes ?? swagger.consumes ?? []);
    }
  }
  const { openapi } = await swagger2openapi.convertObj(structuredClone(swagger), { patch: true, warnOnly: true });
  return SpecValidator.load(openapi, "/api/v1", consumes);
}
