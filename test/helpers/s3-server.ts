import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { TestContext } from "node:test";
import { S3RelayStore } from "../../core/relay/s3-store.js";

/**
 * A real S3 endpoint on 127.0.0.1: moto's server (from PyPI, installed by
 * scripts/setup.sh). Started once per test file, stopped when it ends.
 * Under CI a missing moto fails the test; it never skips.
 */
export interface S3Endpoint {
  url: string;
  newStore(bucket: string, prefix?: string): Promise<S3RelayStore>;
  /** SIGSTOP: the endpoint still accepts connections and never answers (a hung server). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  stop(): Promise<void>;
}

export function motoServerCommand(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v moto_server"], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function startS3Server(): Promise<S3Endpoint> {
  const command = motoServerCommand();
  if (!command) throw new Error("moto_server not found: run scripts/setup.sh (pip install 'moto[server]')");
  const port = await freePort();
  const child: ChildProcess = spawn(command, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child);
  const client = new S3Client({
    region: "us-east-1",
    endpoint: url,
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  return {
    url,
    async newStore(bucket, prefix) {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      return new S3RelayStore(client, bucket, prefix);
    },
    pause: () => child.kill("SIGSTOP"),
    resume: () => child.kill("SIGCONT"),
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        child.kill("SIGCONT");
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("moto_server did not start within 20 s");
}

/** Stops the endpoint when the test (or suite) ends. */
export function stopWith(t: TestContext, endpoint: S3Endpoint): void {
  t.after(() => endpoint.stop());
}
