import type { GpuReport, Heartbeat } from "../../core/protocol/messages.js";
import type { Db } from "../action-db.js";

/** A runner as its latest heartbeat described it (one row of `runners`). */
export interface RunnerRecord {
  name: string;
  scheduler: Heartbeat["scheduler"];
  partitions: string[];
  gpuTypes: string[];
  totalGpus: number;
  freeGpus: number;
  gpus: GpuReport[];
  /** The Python versions it builds environments with; undefined when its heartbeat does not say (an older runner). */
  pythons?: string[];
  /** How its jobs are kept apart (`none`: unconfined); undefined when its heartbeat does not say. */
  sandbox?: "bwrap" | "none";
  /** The heartbeat's own time (the runner's clock), milliseconds since the epoch. */
  reportedAt: number;
  /** When the action received it (the action's clock): what staleness is judged by. */
  lastSeen: number;
}

/**
 * Runner names become inbox paths (`messages/to-runner/<name>/`): the same
 * form the runner accepts for its own name, one safe path segment.
 */
export const RUNNER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

interface RunnerRow {
  name: string;
  scheduler: Heartbeat["scheduler"];
  partitions: string;
  gpu_types: string;
  total_gpus: number;
  free_gpus: number;
  gpus: string;
  pythons: string | null;
  sandbox: "bwrap" | "none" | null;
  reported_at: number;
  last_seen: number;
}

/**
 * Records a heartbeat: the runner's row and its users' accounting rows are
 * replaced, in one transaction. A heartbeat older than the one recorded
 * (messages may arrive out of order) changes nothing. Tasks are not
 * touched, so the forge is not told anything. Returns whether it applied.
 */
export function applyHeartbeat(db: Db, heartbeat: Heartbeat, receivedAt: number): boolean {
  return db.transaction(() => {
    const stored = db.prepare("SELECT reported_at FROM runners WHERE name = ?").get(heartbeat.runner) as { reported_at: number } | undefined;
    if (stored && stored.reported_at >= heartbeat.at) return false;
    db.prepare(
      `INSERT INTO runners (name, scheduler, partitions, gpu_types, total_gpus, free_gpus, gpus, pythons, sandbox, reported_at, last_seen)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET scheduler = excluded.scheduler, partitions = excluded.partitions,
         gpu_types = excluded.gpu_types, total_gpus = excluded.total_gpus, free_gpus = excluded.free_gpus,
         gpus = excluded.gpus, pythons = excluded.pythons, sandbox = excluded.sandbox, reported_at = excluded.reported_at, last_seen = excluded.last_seen`,
    ).run(
      heartbeat.runner,
      heartbeat.scheduler,
      JSON.stringify(heartbeat.partitions),
      JSON.stringify(heartbeat.gpuTypes),
      heartbeat.totalGpus,
      heartbeat.freeGpus,
      JSON.stringify(heartbeat.gpus),
      heartbeat.pythons === undefined ? null : JSON.stringify(heartbeat.pythons),
      heartbeat.sandbox ?? null,
      heartbeat.at,
      receivedAt,
    );
    db.prepare("DELETE FROM accounting WHERE runner = ?").run(heartbeat.runner);
    const insert = db.prepare(
      `INSERT OR REPLACE INTO accounting (runner, user, tasks, succeeded, failed, gpu_hours, cpu_hours, gpu_hours_in_period,
         gpu_hours_budget, period_hours, running_jobs, max_running_jobs, max_gpus)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const a of heartbeat.accounting) {
      insert.run(
        heartbeat.runner,
        a.user,
        a.tasks,
        a.succeeded,
        a.failed,
        a.gpuHours,
        a.cpuHours,
        a.gpuHoursInPeriod,
        a.gpuHoursBudget,
        a.periodHours,
        a.runningJobs,
        a.maxRunningJobs,
        a.maxGpus,
      );
    }
    return true;
  })();
}

/** Every runner that has ever sent a heartbeat, by name. */
export function listRunners(db: Db): RunnerRecord[] {
  const rows = db.prepare("SELECT * FROM runners ORDER BY name").all() as RunnerRow[];
  return rows.map((row) => ({
    name: row.name,
    scheduler: row.scheduler,
    partitions: JSON.parse(row.partitions) as string[],
    gpuTypes: JSON.parse(row.gpu_types) as string[],
    totalGpus: row.total_gpus,
    freeGpus: row.free_gpus,
    gpus: JSON.parse(row.gpus) as GpuReport[],
    ...(row.pythons === null ? {} : { pythons: JSON.parse(row.pythons) as string[] }),
    ...(row.sandbox === null ? {} : { sandbox: row.sandbox }),
    reportedAt: row.reported_at,
    lastSeen: row.last_seen,
  }));
}
