/**
 * The benchmark's load generator, run in its own process by scripts/bench.ts: POSTs one
 * registration per request at a fixed concurrency and prints the latencies and the ids of
 * the 201 answers as JSON on stdout (progress goes to stderr).
 */
import { pool } from './bench-pool.js';

const {
  url,
  requests,
  concurrency,
  offset = 0,
} = JSON.parse(process.env.BENCH_LOAD ?? '{}') as {
  url: string;
  requests: number;
  concurrency: number;
  offset?: number;
};

const latencies: number[] = [];
const created: string[] = [];
let errors = 0;
const seconds = await pool(requests, concurrency, 'register', async (index) => {
  const i = offset + index;
  const began = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Person ${i}`, email: `person${i}@example.com`, consent: true }),
  });
  const body = (await response.json()) as { registration?: { id: string } };
  latencies.push(performance.now() - began);
  if (response.status === 201 && body.registration) created.push(body.registration.id);
  else errors++;
});
process.stdout.write(JSON.stringify({ latencies, created, errors, seconds }));
