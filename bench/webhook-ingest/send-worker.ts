// The worker side of sendFromWorker: sends the deliveries on this thread's
// own event loop and posts back the acks and its longest stall.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { sendDeliveries, type Delivery } from "./send-deliveries.js";

const { url, deliveries, concurrency, spreadMs } = workerData as { url: string; deliveries: Delivery[]; concurrency: number; spreadMs: number };
const stalls = monitorEventLoopDelay({ resolution: 10 });
stalls.enable();
const sent = await sendDeliveries(url, deliveries, concurrency, spreadMs);
stalls.disable();
parentPort?.postMessage({ ...sent, stallMs: stalls.max / 1e6 });
