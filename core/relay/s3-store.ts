import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { assertRelayKey, type BoundedValue, type RelayStore } from "./relay-store.js";

/** Where the relay lives in S3 (MinIO, AWS, any S3 API). */
export interface S3RelayConfig {
  endpoint?: string;
  region: string;
  bucket: string;
  /** Optional key prefix inside the bucket, e.g. `course-2026/`. */
  prefix?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`http://host/bucket/key`): what MinIO expects. */
  forcePathStyle?: boolean;
  /** How long a request may go without an answer before it fails (default S3_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

/**
 * A request that gets no byte back for this long has failed. Without a
 * limit a stopped endpoint (it accepts connections and never answers) froze
 * both agents: their loops waited on it forever, so cancels and time limits
 * waited too. Failing makes it an outage the callers already retry.
 */
export const S3_REQUEST_TIMEOUT_MS = 30_000;
const S3_CONNECT_TIMEOUT_MS = 5_000;

/** Builds the S3 client at the edge; the store itself takes any client. */
export function createS3RelayStore(config: S3RelayConfig): S3RelayStore {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle ?? true,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    // The SDK's own Node handler, built from these settings: a socket idle this long is dropped.
    requestHandler: { connectionTimeout: S3_CONNECT_TIMEOUT_MS, requestTimeout: config.requestTimeoutMs ?? S3_REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  });
  return new S3RelayStore(client, config.bucket, config.prefix ?? "");
}

/**
 * The relay in an S3 bucket. `ifAbsent` writes send `If-None-Match: *`, so an
 * existing object is never overwritten (S3 answers 412, MinIO too).
 */
export class S3RelayStore implements RelayStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly prefix: string = "",
  ) {}

  private key(key: string): string {
    assertRelayKey(key);
    return this.prefix + key;
  }

  async put(key: string, data: Uint8Array, options: { ifAbsent?: boolean } = {}): Promise<boolean> {
    return this.send(key, data, data.byteLength, options.ifAbsent ?? false);
  }

  async putFile(key: string, path: string, options: { ifAbsent?: boolean } = {}): Promise<boolean> {
    const { size } = await stat(path);
    return this.send(key, createReadStream(path), size, options.ifAbsent ?? false);
  }

  private async send(key: string, body: Uint8Array | Readable, length: number, ifAbsent: boolean): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key(key),
          Body: body,
          ContentLength: length,
          ...(ifAbsent ? { IfNoneMatch: "*" } : {}),
        }),
      );
      return true;
    } catch (e) {
      // 412: the object exists. 409: a concurrent conditional write won the race.
      if (ifAbsent && (status(e) === 412 || status(e) === 409)) return false;
      throw e;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const body = await this.body(key);
    return body ? Buffer.from(await body.transformToByteArray()) : undefined;
  }

  async getAtMost(key: string, maxBytes: number): Promise<BoundedValue | undefined> {
    let out;
    try {
      out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
    } catch (e) {
      if (status(e) === 404) return undefined;
      throw e;
    }
    const body = out.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    if (!body) return undefined;
    const size = out.ContentLength ?? 0;
    // Decided from the headers: the body of a value too large is never read,
    // only its connection closed; a body longer than it said is cut off too.
    if (size > maxBytes) {
      body.destroy?.();
      return { tooLarge: size };
    }
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of body) {
      length += chunk.byteLength;
      if (length > maxBytes) {
        body.destroy?.();
        return { tooLarge: length };
      }
      chunks.push(chunk);
    }
    return { bytes: Buffer.concat(chunks) };
  }

  async getStream(key: string): Promise<Readable | undefined> {
    const body = await this.body(key);
    return body ? Readable.from(body as unknown as AsyncIterable<Uint8Array>) : undefined;
  }

  private async body(key: string) {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return out.Body;
    } catch (e) {
      if (status(e) === 404) return undefined;
      throw e;
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return true;
    } catch (e) {
      if (status(e) === 404) return false;
      throw e;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key.slice(this.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async probe(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (e) {
      const code = status(e);
      if (code === 404) throw new Error(`bucket ${this.bucket} does not exist`, { cause: e });
      if (code === 403) throw new Error(`bucket ${this.bucket}: access denied (check the keys)`, { cause: e });
      throw new Error(`bucket ${this.bucket} cannot be reached: ${e instanceof Error ? e.name : String(e)}`, { cause: e });
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
  }

  async move(from: string, to: string): Promise<void> {
    // Keys are plain (assertRelayKey allows no character that needs escaping in CopySource).
    const source = `${this.bucket}/${this.key(from)}`;
    try {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: this.key(to), CopySource: source }));
    } catch (e) {
      if (status(e) === 404) return;
      throw e;
    }
    await this.delete(from);
  }
}

function status(e: unknown): number | undefined {
  if (e instanceof S3ServiceException) return e.$metadata.httpStatusCode;
  return undefined;
}
