import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Lower-case hex SHA-256 of bytes or a string (UTF-8). */
export function sha256(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 of a file's contents, streamed so large files cost no memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
