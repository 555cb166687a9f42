import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../local/outbox.js';
import { startTestApp, type TestApp } from './support/app.js';
import { spawnOverTable } from './support/dynamo.js';

/**
 * Owed emails under kill -9: a notification runtime in its own process (test/support/mail-child.ts)
 * is SIGKILLed again and again while it sends, anywhere: before a claim, between a claim and
 * the send, between SES's acceptance and the ledger's mark. Then one last runtime drains the
 * stream and runs the stuck-claim sweep. Every owed email must have gone; a second copy is
 * allowed only for a message caught in the window between acceptance and mark, and that
 * window is measured.
 */

const CHILD = fileURLToPath(new URL('./support/mail-child.ts', import.meta.url));
const PEOPLE = 40;
const KILLS = 6;
const LATENCY_MS = 15;

let app: TestApp;
let dataDir = '';

beforeAll(async () => {
  process.env.LOG_LEVEL ??= 'silent';
  app = await startTestApp();
  dataDir = await mkdtemp(join(tmpdir(), 'mail-kill-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const startChild = (mode: 'send' | 'drain'): ChildProcess =>
  spawnOverTable(CHILD, app.tableName, {
    MODE: mode,
    DATA_DIR: dataDir,
    TOKEN_KEY: app.tokenKey.toString('hex'),
    MAIL_LATENCY_MS: String(LATENCY_MS),
  });

interface Line {
  what: string;
  to: string;
  at: number;
}

/** Runs a child, hands each of its lines to `onLine` (which may kill it); its lines and how it ended. */
const run = async (child: ChildProcess, onLine: (line: Line, lines: Line[]) => void = () => {}) => {
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const ended = new Promise<NodeJS.Signals | number | null>((done) =>
    child.once('exit', (code, signal) => done(signal ?? code)),
  );
  const lines: Line[] = [];
  const raw: string[] = [];
  for await (const text of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    raw.push(text);
    const [what = '', to = '', at = '0'] = text.split(' ');
    if (what !== 'sending' && what !== 'accepted' && what !== 'marked') continue;
    const line = { what, to, at: Number(at) };
    lines.push(line);
    onLine(line, lines);
  }
  return { lines, raw, end: await ended, stderr };
};

/** A seeded pseudo-random sequence, so a failing run can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

describe('owed emails under kill -9', () => {
  it('every owed email is sent; a second copy only for a kill between acceptance and mark', {
    timeout: 120_000,
  }, async () => {
    const eventId = await app.publishedEvent({ capacity: PEOPLE });
    for (let i = 0; i < PEOPLE; i++) {
      const response = await app.call('POST', `/api/events/${eventId}/registrations`, {
        body: { name: `Personne ${i}`, email: `owed${i}@example.com`, consent: true },
      });
      expect(response.status).toBe(201);
    }

    const random = seeded(Number(process.env.KILL_SEED ?? 20261130));
    /** Addresses whose message was accepted and not yet marked when their process died. */
    const caughtInWindow = new Set<string>();
    const windows: number[] = [];
    const acceptedAt = new Map<string, number>();
    const account = (lines: Line[]) => {
      const marked = new Set<string>();
      for (const line of lines) {
        if (line.what === 'accepted') acceptedAt.set(line.to, line.at);
        else if (line.what === 'marked') {
          marked.add(line.to);
          const at = acceptedAt.get(line.to);
          if (at !== undefined) windows.push(line.at - at);
        }
      }
      return marked;
    };

    for (let kill = 0; kill < KILLS; kill++) {
      // After a few messages, killed in turn: between the claim and SES's acceptance (the claim
      // is left `sending`, nothing went), right after acceptance (it went, unmarked), and at a
      // random instant of a send's round trip.
      const at = (['sending', 'accepted', 'accepted'] as const)[kill % 3];
      const after = 1 + Math.floor(random() * 4);
      const delay = kill % 3 === 2 ? Math.floor(random() * 3 * LATENCY_MS) : 0;
      const child = startChild('send');
      const { lines, end, stderr } = await run(child, (line, all) => {
        if (line.what === at && all.filter((l) => l.what === at).length === after) {
          setTimeout(() => child.kill('SIGKILL'), delay);
        }
      });
      expect(end, `the runtime ended on its own: ${stderr}`).toBe('SIGKILL');
      const marked = account(lines);
      for (const line of lines) {
        if (line.what === 'accepted' && !marked.has(line.to)) caughtInWindow.add(line.to);
      }
    }

    const drain = await run(startChild('drain'));
    expect(drain.end, drain.stderr).toBe(0);
    account(drain.lines);
    const summary = JSON.parse(drain.raw.at(-1) ?? '{}');

    const sent = await createOutbox(join(dataDir, 'outbox')).list();
    const copies = new Map<string, number>();
    for (const entry of sent) copies.set(entry.to, (copies.get(entry.to) ?? 0) + 1);
    const owed = Array.from({ length: PEOPLE }, (_, i) => `owed${i}@example.com`);
    const missing = owed.filter((to) => !copies.has(to));
    const duplicated = [...copies].filter(([, count]) => count > 1).map(([to]) => to);

    const sorted = [...windows].sort((a, b) => a - b);
    const quantile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    console.info(
      `${KILLS} kills: ${PEOPLE} owed, ${PEOPLE - missing.length} sent, ${duplicated.length} sent twice ` +
        `(${caughtInWindow.size} caught between acceptance and mark); the sweep found ${summary.stuck} ` +
        `stuck claims and resent ${summary.resent}; window from acceptance to mark over ${sorted.length} ` +
        `messages: median ${quantile(0.5)} ms, p95 ${quantile(0.95)} ms, max ${quantile(1)} ms (the simulated answer trip ` +
        `is ${LATENCY_MS} ms)`,
    );
    expect(missing).toEqual([]);
    expect(sent).toHaveLength(PEOPLE + duplicated.length);
    for (const to of duplicated) expect(caughtInWindow, to).toContain(to);
    for (const [, count] of copies) expect(count).toBeLessThanOrEqual(2);
    // The kills before acceptance left claims that only the sweep could send.
    expect(summary.resent).toBeGreaterThanOrEqual(Math.ceil(KILLS / 3));
  });
});
