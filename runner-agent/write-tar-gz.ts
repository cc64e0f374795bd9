import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { Header, Pax } from "tar";

/** One regular file of an archive: its bytes come from `data`, exactly `size` of them. */
export interface TarMember {
  /** POSIX path inside the archive, relative. */
  name: string;
  /** The file's mode; written as 0644, or 0755 for an executable, and nothing else (see archiveMode). */
  mode: number;
  mtime: Date;
  size: number;
  data(): AsyncIterable<Buffer>;
}

const BLOCK = 512;

/**
 * Writes `members` as a gzipped tar to `file` (created new, owner-only).
 * The archive holds regular files only, owned by nobody in particular
 * (uid/gid 0, no names), with the mode masked to 0644/0755: no link,
 * device, FIFO or folder entry, no setuid, setgid or sticky bit can get in,
 * whatever the job left, and each member has exactly the size its header
 * says, so a file that grows or shrinks while it is read cannot break the
 * archive (it is cut, or padded with zero bytes). Members are pulled one
 * at a time, so the caller can open each file just before it is written.
 * Returns how many members were written.
 */
export async function writeTarGz(file: string, members: AsyncIterable<TarMember>): Promise<number> {
  let count = 0;
  async function* blocks(): AsyncGenerator<Buffer> {
    for await (const member of members) {
      yield* memberBlocks(member);
      count++;
    }
    yield Buffer.alloc(2 * BLOCK);
  }
  await pipeline(Readable.from(blocks()), createGzip(), createWriteStream(file, { flags: "wx", mode: 0o600 }));
  return count;
}

/** 0755 for a file any execute bit is set on, else 0644. */
export function archiveMode(mode: number): number {
  return (mode & 0o111) !== 0 ? 0o755 : 0o644;
}

async function* memberBlocks(member: TarMember): AsyncGenerator<Buffer> {
  const fields = { path: member.name, mode: archiveMode(member.mode), size: member.size, mtime: member.mtime, uid: 0, gid: 0, uname: "", gname: "", type: "File" as const };
  const header = new Header(fields);
  const block = Buffer.alloc(BLOCK);
  // A long or non-ASCII name goes into a pax header before the ustar one.
  if (header.encode(block)) yield new Pax({ path: member.name, size: member.size, mtime: member.mtime }).encode();
  yield block;
  let written = 0;
  for await (const chunk of member.data()) {
    const part = chunk.subarray(0, Math.max(0, member.size - written));
    if (part.length > 0) yield part;
    written += part.length;
    if (written >= member.size) break;
  }
  const padding = member.size - written + ((BLOCK - (member.size % BLOCK)) % BLOCK);
  if (padding > 0) yield Buffer.alloc(padding);
}
