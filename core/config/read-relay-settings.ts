import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError, errnoCode } from "../errors.js";
import type { RelayConfig } from "../relay/open-relay-store.js";

/** The relay secret must be long enough that guessing it is hopeless. */
export const MIN_SECRET_LENGTH = 16;

/** Environment variables both agents read for the relay; listed in their --help. */
export const RELAY_ENV_VARS: Record<string, string> = {
  AILAB_RELAY: "the relay: a folder, or s3://BUCKET[/PREFIX] (MinIO, AWS, any S3 API)",
  AILAB_RELAY_DIR: "the relay folder (older name of AILAB_RELAY for a folder)",
  AILAB_S3_ENDPOINT: "the S3 endpoint URL, e.g. http://minio.lab:9000 (unset: AWS)",
  AILAB_S3_REGION: "the S3 region (default us-east-1)",
  AWS_ACCESS_KEY_ID: "the S3 access key",
  AWS_SECRET_ACCESS_KEY: "the S3 secret key",
  AILAB_SECRET: "the relay secret shared by ailab-action and ailab-runner",
  AILAB_SECRET_FILE: "a file holding the relay secret (instead of AILAB_SECRET)",
};

/**
 * Reads where the relay is: `relay` (a flag) or AILAB_RELAY, else
 * AILAB_RELAY_DIR. A value `s3://bucket/prefix` selects S3, with the
 * endpoint, region and keys from the environment; anything else is a folder.
 * @example readRelayConfig({ relay: "s3://ailab/course-2026" }, { AWS_ACCESS_KEY_ID: "…", AWS_SECRET_ACCESS_KEY: "…" })
 */
export function readRelayConfig(relay: string | undefined, env: NodeJS.ProcessEnv): RelayConfig {
  const value = nonEmpty(relay) ?? nonEmpty(env.AILAB_RELAY) ?? nonEmpty(env.AILAB_RELAY_DIR);
  if (!value) throw new ConfigError("no relay: pass --relay (a folder or s3://BUCKET/PREFIX) or set AILAB_RELAY", { setting: "AILAB_RELAY" });
  if (!value.startsWith("s3://")) return { kind: "dir", path: resolve(value) };

  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(value);
  if (!match) {
    throw new ConfigError(`relay ${JSON.stringify(value)} is not valid: expected s3://BUCKET or s3://BUCKET/PREFIX (bucket: 3–63 lower-case letters, digits, . and -)`, {
      setting: "AILAB_RELAY",
    });
  }
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (!accessKeyId || !secretAccessKey) {
    throw new ConfigError("an S3 relay needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", { setting: "AWS_ACCESS_KEY_ID" });
  }
  const endpoint = nonEmpty(env.AILAB_S3_ENDPOINT);
  if (endpoint && !/^https?:\/\/[^\s/]+/.test(endpoint)) {
    throw new ConfigError(`AILAB_S3_ENDPOINT ${JSON.stringify(endpoint)} is not valid: expected a URL such as http://127.0.0.1:9000`, {
      setting: "AILAB_S3_ENDPOINT",
    });
  }
  return {
    kind: "s3",
    bucket: match[1]!,
    prefix: prefix ? `${prefix}/` : "",
    region: nonEmpty(env.AILAB_S3_REGION) ?? "us-east-1",
    accessKeyId,
    secretAccessKey,
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  };
}

/**
 * Reads the relay secret from AILAB_SECRET, or from a file (`secretFile`
 * flag or AILAB_SECRET_FILE). The value is never quoted back in an error.
 */
export function readRelaySecret(secretFile: string | undefined, env: NodeJS.ProcessEnv): string {
  const file = nonEmpty(secretFile) ?? (nonEmpty(env.AILAB_SECRET) === undefined ? nonEmpty(env.AILAB_SECRET_FILE) : undefined);
  let secret = nonEmpty(env.AILAB_SECRET);
  if (file) {
    try {
      secret = readFileSync(file, "utf8").trim();
    } catch (e) {
      throw new ConfigError(`cannot read the secret file ${JSON.stringify(file)} (${errnoCode(e) ?? String(e)}): expected a readable file holding the relay secret`, {
        setting: "AILAB_SECRET_FILE",
      });
    }
  }
  if (!secret) throw new ConfigError("no relay secret: set AILAB_SECRET, or AILAB_SECRET_FILE / --secret-file to a file holding it", { setting: "AILAB_SECRET" });
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(`the relay secret is ${secret.length} characters long: expected at least ${MIN_SECRET_LENGTH}`, { setting: "AILAB_SECRET" });
  }
  return secret;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
