// The floor for "durably acknowledged": a bare Node HTTP server that writes
// each body to its own file and only then answers 202. No signature check,
// no parsing, no database. Like the action's SQLite (WAL, synchronous =
// NORMAL) the write reaches the kernel before the answer, so it survives a
// crash of the process, not a power cut (neither fsyncs per delivery).
//   node dist/bench/webhook-ingest/durable-ack-server.js <folder>
// prints `listening <port>` on stdout.
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

const folder = process.argv[2];
if (folder === undefined) throw new Error("usage: durable-ack-server.js <folder>");
let count = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    writeFile(join(folder, `${++count}.json`), Buffer.concat(chunks)).then(
      () => res.writeHead(202, { "content-type": "application/json" }).end('{"accepted":true}'),
      () => res.writeHead(500).end(),
    );
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${(server.address() as AddressInfo).port}`));
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
});
