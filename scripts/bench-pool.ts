/** What the benchmark and its load generator share: progress lines and a bounded worker pool. */

/** On stderr: the load generator keeps stdout for its JSON result. */
export const progress = (text: string) => process.stderr.write(`\r\x1b[2K${text}`);
export const done = (text: string) => process.stdout.write(`\r\x1b[2K${text}\n`);

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
