import { after, before } from "node:test";
import { randomBytes } from "node:crypto";
import { relayStoreContract } from "../helpers/relay-store-contract.js";
import { startS3Server, type S3Endpoint } from "../helpers/s3-server.js";

// The same contract as the directory store, against a real S3 endpoint
// through @aws-sdk/client-s3, exactly as MinIO would be used.
let endpoint: S3Endpoint;
before(async () => {
  endpoint = await startS3Server();
});
after(() => endpoint.stop());

relayStoreContract("s3 store", () => endpoint.newStore(`relay-${randomBytes(4).toString("hex")}`));
relayStoreContract("s3 store with a key prefix", () => endpoint.newStore(`relay-${randomBytes(4).toString("hex")}`, "course/"));
