import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ArtifactView } from "../core/api/types.js";
import { AilabError } from "../core/errors.js";

/** A downloaded artifact whose bytes do not match the artifact list. */
export class ChecksumMismatchError extends AilabError {
  constructor(name: string, expected: { size: number; sha256: string }, actual: { size: number; sha256: string }) {
    super("ChecksumMismatch", `${name}: got ${actual.size} bytes with sha256 ${actual.sha256}, expected ${expected.size} bytes with sha256 ${expected.sha256}`, {
      name,
      expected,
      actual,
    });
  }
}

/**
 * Writes a stream to a new file (never over an existing one), hashing as it
 * goes, and checks size and sha256 against the artifact's entry.
 */
export async function saveArtifact(body: ReadableStream<Uint8Array>, artifact: ArtifactView, path: string): Promise<void> {
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(body), tap, createWriteStream(path, { flags: "wx", mode: 0o644 }));
  const sha256 = hash.digest("hex");
  if (sha256 !== artifact.sha256.toLowerCase() || size !== artifact.size) {
    throw new ChecksumMismatchError(artifact.name, artifact, { size, sha256 });
  }
}
