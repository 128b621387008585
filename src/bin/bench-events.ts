/**
 * `npm run bench:events`: feeds 1,000,000 deliverability events in batches of 10,000 to
 * POST /deliverability/events on a service started as a child process, against 1,000,000 contacts on the
 * PostgreSQL at DATABASE_URL, and prints events/s, batch times (median, p95, slowest), the CPU used while
 * sending (by the service, and by the whole machine: PostgreSQL too when it runs here) and the service's peak
 * RSS. The contacts are written straight into a fresh account with one INSERT … SELECT (the import path has
 * its own benchmark); the events are deterministic: a realistic mix of deliveries, opens, clicks, bounces and
 * unsubscribes on random contacts, dated in order, 5 % of them SMS receipts.
 * Environment: BENCH_CONTACTS (default 1000000), BENCH_EVENTS (default 1000000), BENCH_BATCH (default 10000),
 * BENCH_SENDERS (batches in flight at once, default 1: a sending platform with several workers posts in parallel).
 */
import { Client } from 'pg';
import { cpuNow, cpuSince, createAccount, describeCpu, peakRss, random, startService } from './bench-service';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const SENDERS = Number(process.env.BENCH_SENDERS ?? 1);

/** Cumulative shares of email event types. */
const EMAIL_MIX: [number, string, string?][] = [
  [0.45, 'delivered', '250 2.0.0 OK'],
  [0.7, 'open'],
  [0.78, 'click'],
  [0.9, 'soft', '452 4.2.2 Mailbox full'],
  [0.93, 'hard', '550 5.1.1 User unknown'],
  [0.97, 'absent', 'Automatic reply: out of office'],
  [0.995, 'unsubscribed', 'link in footer'],
  [1, 'complaint', 'abuse report'],
];
const SMS_MIX: [number, string][] = [
  [0.9, 'delivered'],
  [0.97, 'error'],
  [1, 'unknown_number'],
];

const mobileOf = (i: number) => `+336${String(i).padStart(8, '0')}`;

function batchOf(start: number, size: number, next: () => number, origin: number) {
  const events = [];
  for (let i = start; i < start + size; i++) {
    const contact = 1 + Math.floor(next() * CONTACTS);
    const at = new Date(origin + i * 1000).toISOString();
    if (next() < 0.05) {
      const draw = next();
      const type = SMS_MIX.find(([share]) => draw < share)![1];
      events.push({ eventId: `bench-${i}`, mobile: mobileOf(contact), channel: 'sms', type, at });
    } else {
      const draw = next();
      const [, type, detail] = EMAIL_MIX.find(([share]) => draw < share)!;
      events.push({ eventId: `bench-${i}`, email: `c${contact}@bench.example`, channel: 'email', type, detail, at });
    }
  }
  return events;
}

async function seedContacts(url: string, accountId: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    await client.query(
      `INSERT INTO contact (account_id, unique_key, email, email_optin, mobile, mobile_optin, firstname)
       SELECT $1, 'c' || i || '@bench.example', 'c' || i || '@bench.example', 'yes',
              '+336' || lpad(i::text, 8, '0'), 'yes', 'Contact ' || i
       FROM generate_series(1, $2::int) AS i`,
      [accountId, CONTACTS],
    );
    await client.query('ANALYZE contact');
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    process.stderr.write('bench:events needs DATABASE_URL (a real PostgreSQL: the figures are about it)\n');
    process.exit(2);
  }
  const { child, base } = await startService(url);
  try {
    const account = await createAccount(base, 'bench events');
    const seeded = await seedContacts(url, account.id);
    console.log(`${CONTACTS} contacts written in ${seeded.toFixed(1)} s`);

    const next = random(2026);
    const origin = Date.now() - EVENTS * 1000 - 3600_000;
    const totals = { applied: 0, ignored: 0, unknown: 0, failed: 0 };
    const times: number[] = [];
    const started = performance.now();
    const cpu = cpuNow(child.pid!);
    let nextStart = 0;
    const sender = async () => {
      while (nextStart < EVENTS) {
        const start = nextStart;
        nextStart += BATCH;
        const body = JSON.stringify({ events: batchOf(start, Math.min(BATCH, EVENTS - start), next, origin) });
        const sent = performance.now();
        const res = await fetch(`${base}/api/rest/v4/deliverability/events`, {
          method: 'POST',
          headers: { Authorization: account.auth, 'Content-Type': 'application/json' },
          body,
        });
        const result = (await res.json()) as typeof totals;
        times.push((performance.now() - sent) / 1000);
        if (!res.ok) throw new Error(`batch at ${start} refused: ${JSON.stringify(result)}`);
        for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += result[key];
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    const seconds = (performance.now() - started) / 1000;
    const used = cpuSince(child.pid!, cpu);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(
      `${EVENTS} events in ${times.length} batches of ${BATCH} from ${SENDERS} sender(s): ${seconds.toFixed(1)} s, ${Math.round(EVENTS / seconds)} events/s`,
    );
    console.log(
      `batch time: median ${quantile(sorted, 0.5).toFixed(3)} s, p95 ${quantile(sorted, 0.95).toFixed(3)} s, slowest ${sorted.at(-1)!.toFixed(3)} s (batch ${times.indexOf(sorted.at(-1)!) + 1})`,
    );
    console.log(`outcome: ${JSON.stringify(totals)}`);
    console.log(describeCpu(used, EVENTS, 'event'));
    console.log(`service peak RSS: ${peakRss(child.pid!).toFixed(0)} MB`);
  } finally {
    child.kill('SIGTERM');
  }
}

void main();
