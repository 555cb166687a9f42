/**
 * The benchmark's load generator, run in its own process by scripts/bench.ts: POSTs one
 * registration per request at a fixed concurrency and prints the latencies, the ids of the 201
 * answers and its own CPU time as JSON on stdout (progress goes to stderr).
 *
 * It shares the machine with the server and DynamoDB Local, so its own work is kept small:
 * node:http over kept-alive sockets costs about 0.26 ms of CPU per request here, where fetch
 * (undici) cost 0.7 ms, some 17% of a two-core machine taken from the path being measured.
 */
import { Agent, request } from 'node:http';
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

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

/** One JSON POST: its status and parsed body. */
const postJson = (body: string) =>
  new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const sent = request(url, { method: 'POST', agent, headers }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('error', reject);
      response.on('end', () => {
        try {
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString()) });
        } catch (error) {
          reject(error);
        }
      });
    });
    sent.on('error', reject);
    sent.end(body);
  });

const latencies: number[] = [];
const created: string[] = [];
let errors = 0;
const cpuBefore = process.cpuUsage();
const seconds = await pool(requests, concurrency, 'register', async (index) => {
  const i = offset + index;
  const began = performance.now();
  const response = await postJson(
    JSON.stringify({ name: `Person ${i}`, email: `person${i}@example.com`, consent: true }),
  );
  const body = response.body as { registration?: { id: string } };
  latencies.push(performance.now() - began);
  if (response.status === 201 && body.registration) created.push(body.registration.id);
  else errors++;
});
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
agent.destroy();
process.stdout.write(JSON.stringify({ latencies, created, errors, seconds, cpuSeconds }));
