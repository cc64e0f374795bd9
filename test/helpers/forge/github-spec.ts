import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import type { Document } from "openapi-backend";
import { SpecValidator } from "./spec-validator.js";

// GitHub's own OpenAPI 3.0 description from npm @octokit/openapi.

const require = createRequire(import.meta.url);

/** Which of @octokit/openapi's descriptions to validate against. */
export type GitHubDescription = "api.github.com" | "ghes-3.19";

const loading = new Map<GitHubDescription, Promise<SpecValidator>>();

/** The validator for `/api/v3`, shared by every fake GitHub in the process. */
export function githubSpec(description: GitHubDescription = "api.github.com"): Promise<SpecValidator> {
  let spec = loading.get(description);
  if (!spec) {
    spec = load(description);
    loading.set(description, spec);
  }
  return spec;
}

async function load(description: GitHubDescription): Promise<SpecValidator> {
  const file = require.resolve(`@octokit/openapi/generated/${description}.json`);
  const document = JSON.parse(await readFile(file, "utf8")) as Document;
  // The description lists only application/octet-stream for the upload; GitHub
  // takes the file's own media type (its docs: "Content-Type: the media type
  // of the asset"), so any type passes here and the handler flags multipart.
  return SpecValidator.load(document, "/api/v3", new Map([["repos/upload-release-asset", ["*/*"]]]));
}
