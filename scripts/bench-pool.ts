/** What the benchmark and its load generator share: progress lines and a bounded worker pool. */

/** A log or CI gets a progress line this often at most; a terminal redraws one line in place. */
export const LOG_PROGRESS_INTERVAL_MS = 5_000;

type Stream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

/**
 * Progress on `stream`: on a terminal the line is redrawn in place; elsewhere (a log file, CI)
 * a plain line, at most one per `intervalMs`, and no escape codes.
 */
export const progressLine = (stream: Stream, now = Date.now, intervalMs = LOG_PROGRESS_INTERVAL_MS) => {
  let lastPrinted = Number.NEGATIVE_INFINITY;
  return (text: string): void => {
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${text}`);
      return;
    }
    if (now() - lastPrinted < intervalMs) return;
    lastPrinted = now();
    stream.write(`${text}\n`);
  };
};

/** A finished step: always printed, clearing a progress line drawn on a terminal. */
export const doneLine =
  (stream: Stream) =>
  (text: string): void => {
    stream.write(stream.isTTY ? `\r\x1b[2K${text}\n` : `${text}\n`);
  };

/** On stderr: the load generator keeps stdout for its JSON result. */
export const progress = progressLine(process.stderr);
export const done = doneLine(process.stdout);

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
export const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/** Runs `total` tasks with at most `concurrency` in flight, reporting progress. */
export const pool = async (
  total: number,
  concurrency: number,
  label: string,
  task: (i: number) => Promise<void>,
) => {
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      await task(i);
      finished++;
      if (finished % 100 === 0) progress(`${label}: ${finished}/${total}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - started) / 1000;
};
