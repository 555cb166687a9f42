import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import type { Mailer } from '../functions/mail/mailer.js';

/**
 * The local Mailer: each message is written as `<id>.eml`, byte for byte what SES would
 * have been given, and listed in `index.jsonl` (one line appended per message, after its
 * file is written, so every listed message can be read).
 */

export interface OutboxEntry {
  id: string;
  to: string;
  subject: string;
  sentAt: string;
}

export interface Outbox extends Mailer {
  readonly dir: string;
  /** Newest first; `to` keeps one recipient's messages (case-insensitive). */
  list(filter?: { to?: string }): Promise<OutboxEntry[]>;
  /** The raw message, or undefined for an unknown or malformed id. */
  read(id: string): Promise<Buffer | undefined>;
}

const INDEX = 'index.jsonl';

/** Ids are ours: a timestamp that sorts, then randomness. Nothing else may reach the file system. */
const ID = /^[0-9]{8}T[0-9]{9}Z-[0-9a-f]{12}$/;

export const isOutboxId = (id: string): boolean => ID.test(id);

const newId = (at: Date): string =>
  `${at.toISOString().replace(/[-:.]/g, '')}-${randomBytes(6).toString('hex')}`;

const isEntry = (value: unknown): value is OutboxEntry => {
  const entry = value as OutboxEntry;
  return (
    typeof entry?.id === 'string' &&
    isOutboxId(entry.id) &&
    typeof entry.to === 'string' &&
    typeof entry.subject === 'string' &&
    typeof entry.sentAt === 'string'
  );
};

export const createOutbox = (dir: string, options: { now?: () => Date } = {}): Outbox => {
  const now = options.now ?? (() => new Date());

  const entries = async (): Promise<OutboxEntry[]> => {
    let index: string;
    try {
      index = await readFile(join(dir, INDEX), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found: OutboxEntry[] = [];
    for (const line of index.split('\n')) {
      if (!line.trim()) continue;
      try {
        const entry: unknown = JSON.parse(line);
        if (isEntry(entry)) found.push(entry);
      } catch {
        // A line cut short by a crash mid-append: its message is simply not listed.
      }
    }
    return found;
  };

  return {
    dir,
    async send({ to, raw }) {
      await mkdir(dir, { recursive: true });
      const at = now();
      const id = newId(at);
      // The subject as a mail client shows it (encoded words decoded), for the list only.
      const { subject = '' } = await PostalMime.parse(raw);
      await writeFile(join(dir, `${id}.eml`), raw, { flag: 'wx' });
      const entry: OutboxEntry = { id, to, subject, sentAt: at.toISOString() };
      // A leading line feed ends a line a crash cut short, so this entry is never glued to it.
      await appendFile(join(dir, INDEX), `\n${JSON.stringify(entry)}\n`);
      return { id };
    },
    async list(filter = {}) {
      const to = filter.to?.trim().toLowerCase();
      // Appended in sending order: reversed, then sorted stably, ties within a millisecond stay newest first.
      const all = (await entries()).reverse();
      return all
        .filter((entry) => !to || entry.to.toLowerCase() === to)
        .sort((a, b) => b.sentAt.localeCompare(a.sentAt));
    },
    async read(id) {
      if (!isOutboxId(id)) return undefined;
      try {
        return await readFile(join(dir, `${id}.eml`));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
};
