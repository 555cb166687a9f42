/**
 * The proof of work's search (ALTCHA's SHA-256 scheme): the number from `start` to `end` whose
 * SHA-256, after the salt, is the challenge. Run in a Worker (challenge-worker.ts), or in the
 * page when Workers cannot start.
 */

export interface Search {
  /** SHA-256 to find, hex. */
  challenge: string;
  salt: string;
  start: number;
  end: number;
}

/** Numbers hashed together: Web Crypto works on them side by side (half as fast again as one by one). */
const BATCH = 8;

const bytesOf = (hex: string): Uint8Array =>
  Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));

const same = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

export const search = async ({ challenge, salt, start, end }: Search): Promise<number | undefined> => {
  const target = bytesOf(challenge);
  const encoder = new TextEncoder();
  for (let first = start; first <= end; first += BATCH) {
    const numbers = Array.from({ length: Math.min(BATCH, end - first + 1) }, (_, i) => first + i);
    const hashes = await Promise.all(
      numbers.map((n) => crypto.subtle.digest('SHA-256', encoder.encode(salt + n))),
    );
    const found = hashes.findIndex((hash) => same(new Uint8Array(hash), target));
    if (found >= 0) return numbers[found];
  }
  return undefined;
};
