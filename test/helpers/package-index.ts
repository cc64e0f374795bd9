import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { TestContext } from "node:test";

/** A pure-Python wheel on disk: `import <name>` gives a module whose VALUE is `value`. */
export interface TestWheel {
  name: string;
  version: string;
  file: string;
  sha256: string;
}

/**
 * Writes a minimal valid wheel (py3-none-any) with Python's zipfile, so a
 * test needs no build backend from PyPI.
 */
export function makeWheel(dir: string, name: string, version: string, value: number): TestWheel {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}-${version}-py3-none-any.whl`);
  const script = `
import base64, hashlib, sys, zipfile
name, version, value, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
info = f"{name}-{version}.dist-info"
files = {
    f"{name}/__init__.py": f"VALUE = {value}\\n",
    f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",
    f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: ailab-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = []
for path, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(text.encode())}")
record.append(f"{info}/RECORD,,")
files[f"{info}/RECORD"] = "\\n".join(record) + "\\n"
with zipfile.ZipFile(out, "w") as z:
    for path, text in files.items():
        z.writestr(zipfile.ZipInfo(path, (2020, 1, 1, 0, 0, 0)), text)
`;
  execFileSync("python3", ["-c", script, name, version, String(value), file], { stdio: "pipe" });
  return { name, version, file, sha256: createHash("sha256").update(readFileSync(file)).digest("hex") };
}

/** A PEP 503 "simple" index on 127.0.0.1 serving `wheels`; stopped when the test ends. */
export interface TestIndex {
  /** `http://127.0.0.1:PORT/simple` */
  url: string;
  /** Paths requested so far, in order. */
  requests: string[];
  /** The request targets as sent: absolute URLs when the server was used as an HTTP proxy. */
  rawUrls: string[];
  close(): Promise<void>;
}

export async function serveIndex(t: TestContext, wheels: TestWheel[]): Promise<TestIndex> {
  const requests: string[] = [];
  const rawUrls: string[] = [];
  // Serves both plain requests and proxy requests (an absolute URL as the
  // target), so one server can stand in for an HTTP proxy in front of an index.
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push(path);
    rawUrls.push(req.url ?? "");
    const project = /^\/simple\/([^/]+)\/?$/.exec(path)?.[1];
    if (project) {
      const links = wheels
        .filter((w) => w.name.replace(/[-_.]+/g, "-").toLowerCase() === project)
        .map((w) => `<a href="/files/${w.file.split("/").pop()}#sha256=${w.sha256}">${w.file.split("/").pop()}</a>`);
      if (links.length === 0) return void res.writeHead(404).end();
      return void res.writeHead(200, { "content-type": "text/html" }).end(`<!DOCTYPE html><html><body>${links.join("\n")}</body></html>`);
    }
    const wheel = wheels.find((w) => path === `/files/${w.file.split("/").pop()}`);
    if (wheel) return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(readFileSync(wheel.file));
    res.writeHead(404).end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  };
  t.after(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple`, requests, rawUrls, close };
}
