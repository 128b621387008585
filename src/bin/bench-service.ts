/** What the benchmarks share: a deterministic generator, the service as a child process, its memory, an account. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

export const ROOT = resolve(__dirname, '..', '..', '..');
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** A small deterministic generator (mulberry32): the same file on every machine. */
export function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds a process has used so far (user and system, all its threads), from /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name (in parentheses, and it may hold spaces): utime and stime are the 12th and
  // the 13th of them.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds the whole machine has been busy so far (every process, PostgreSQL included when it runs here). */
function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

export interface CpuReading {
  /** CPU seconds of the service. */
  service: number;
  /** Busy CPU seconds of the machine. */
  machine: number;
}

/** Both CPU readings now; `cpuSince` gives what was used after. */
export function cpuNow(pid: number): CpuReading {
  return { service: cpuSeconds(pid), machine: machineBusySeconds() };
}

/** The CPU used since reading `from`. */
export function cpuSince(pid: number, from: CpuReading): CpuReading {
  const now = cpuNow(pid);
  return { service: now.service - from.service, machine: now.machine - from.machine };
}

/** One line on the CPU used for `units` units of work (events, rows). */
export function describeCpu(used: CpuReading, units: number, unit: string): string {
  const per = (seconds: number) => `${((seconds / units) * 1e6).toFixed(1)} µs/${unit}`;
  return (
    `CPU: service ${used.service.toFixed(1)} s (${per(used.service)}), machine busy ${used.machine.toFixed(1)} s ` +
    `(${per(used.machine)}; PostgreSQL included when it runs on this machine)`
  );
}

/**
 * CPU seconds used by the PostgreSQL backends serving one database, sampled five times a second from /proc: the
 * machine's other databases and PostgreSQL's shared background processes (WAL writer, checkpointer) are left out,
 * and a backend that exits between two samples loses its last fifth of a second. Undefined when PostgreSQL runs
 * on another machine (its processes are not in this /proc).
 */
export class PostgresCpu {
  private readonly seen = new Map<number, { first: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  private constructor(
    private readonly client: Client,
    private readonly database: string,
  ) {}

  static async start(url: string): Promise<PostgresCpu | undefined> {
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ pid: number; database: string }>(
      'SELECT pg_backend_pid() AS pid, current_database() AS database',
    );
    try {
      cpuSeconds(rows[0].pid);
    } catch {
      await client.end();
      return undefined;
    }
    const sampler = new PostgresCpu(client, rows[0].database);
    await sampler.sample(true);
    sampler.timer = setInterval(() => {
      sampler.sampling = sampler.sampling.then(() => sampler.sample(false)).catch(() => undefined);
    }, 200);
    return sampler;
  }

  /** Stops sampling; the CPU seconds the database's backends used since `start`. */
  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample(false);
    await this.client.end();
    let total = 0;
    for (const { first, last } of this.seen.values()) total += last - first;
    return total;
  }

  private async sample(initial: boolean): Promise<void> {
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [this.database],
    );
    for (const { pid } of rows) {
      let now: number;
      try {
        now = cpuSeconds(pid);
      } catch {
        continue; // exited meanwhile
      }
      const known = this.seen.get(pid);
      if (known) known.last = now;
      // A backend started after `start` counts from zero.
      else this.seen.set(pid, { first: initial ? now : 0, last: now });
    }
  }
}

/** Peak resident memory of a process, from /proc (VmHWM), in MB. */
export function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export async function startService(url: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  // The heap cap `npm start` and the Dockerfile use, then any extra flags.
  const nodeArgs = ['--max-old-space-size=256', ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'dist', 'src', 'main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      ADMIN_TOKEN,
      SECRET_KEY: process.env.SECRET_KEY ?? 'bench-secret-key-0123456789abcdef0123456789',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { child, base };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the service did not start');
}

/** Creates an account on the service; returns its HTTP Basic header and id. */
export async function createAccount(base: string, name: string): Promise<{ id: string; auth: string }> {
  const created = await fetch(`${base}/api/rest/v4/admin/accounts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: `${name} ${new Date().toISOString()}` }),
  });
  const account = (await created.json()) as { id: string; login: string; apiKey: string };
  return { id: account.id, auth: `Basic ${Buffer.from(`${account.login}:${account.apiKey}`).toString('base64')}` };
}
