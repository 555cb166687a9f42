/**
 * The summary `npm run bench` ends with: every figure of issue 20 against its target, met or
 * not. Rows only for the parts that ran (`--only=`). Pure, so a test can hold it to the targets.
 */

/** What the table reads of bench-results.json (scripts/bench.ts writes the rest too). */
export interface BenchFigures {
  register?: { requests: number; capacity: number; rps: number };
  raw?: { rps: number };
  ratio?: number;
  feed?: { overhead: number };
  bundles?: {
    largest: { entry?: string; kb?: number };
    importRatio: { worst: number; median: number; worstEntry?: string };
  };
  hot?: { shards: number; seatsPerSecond: number; oversold: number }[];
}

export interface TableRow {
  figure: string;
  value: string;
  target: string;
  /** `null`: nothing to hold against the target here (not run in this mode, or left to a test). */
  met: boolean | null;
}

export const TARGETS = {
  registerRatio: 0.7,
  seatedRatio: 0.75,
  bundleKb: 300,
  feedOverhead: 1.5,
  importRatio: 1.3,
  hotSpeedUp: 4,
} as const;

const row = (figure: string, value: string, target: string, met: boolean | null): TableRow => ({
  figure,
  value,
  target,
  met,
});

export const tableRows = (results: BenchFigures): TableRow[] => {
  const rows: TableRow[] = [];
  const { register, raw, ratio } = results;
  if (register && raw && ratio !== undefined) {
    const value = `${ratio} (${register.rps} / ${raw.rps} per s)`;
    // Every request gets a seat when the capacity covers the burst (`--capacity=`).
    const seated = register.capacity >= register.requests;
    rows.push(
      seated
        ? row(
            'register / raw, waitlisting',
            `not run (capacity ${register.capacity})`,
            `>= ${TARGETS.registerRatio}`,
            null,
          )
        : row(
            'register / raw, waitlisting',
            value,
            `>= ${TARGETS.registerRatio}`,
            ratio >= TARGETS.registerRatio,
          ),
      seated
        ? row(
            'register / raw, every request seated',
            value,
            `>= ${TARGETS.seatedRatio}`,
            ratio >= TARGETS.seatedRatio,
          )
        : row(
            'register / raw, every request seated',
            `not run (--capacity=${register.requests})`,
            `>= ${TARGETS.seatedRatio}`,
            null,
          ),
      row('waitlist positions in a burst', 'see test/registrations.test.ts', 'exact', null),
    );
  }
  if (results.feed) {
    const { overhead } = results.feed;
    rows.push(
      row(
        'organiser feed / ical-generator',
        `${overhead}x`,
        `<= ${TARGETS.feedOverhead}x`,
        overhead <= TARGETS.feedOverhead,
      ),
    );
  }
  if (results.bundles) {
    const { largest, importRatio } = results.bundles;
    const kb = largest.kb ?? 0;
    rows.push(
      row(
        'largest function bundle',
        `${kb} KB (${largest.entry})`,
        `<= ${TARGETS.bundleKb} KB`,
        kb <= TARGETS.bundleKb,
      ),
      row(
        'cold import / minimal DynamoDB handler, worst',
        `${importRatio.worst}x (${importRatio.worstEntry})`,
        `<= ${TARGETS.importRatio}x`,
        importRatio.worst <= TARGETS.importRatio,
      ),
      row(
        'cold import / minimal DynamoDB handler, median',
        `${importRatio.median}x`,
        `<= ${TARGETS.importRatio}x`,
        importRatio.median <= TARGETS.importRatio,
      ),
    );
  }
  const hot = results.hot ?? [];
  const single = hot.find((run) => run.shards === 1);
  const sharded = hot.find((run) => run.shards > 1);
  if (single && sharded) {
    const speedUp = Number((sharded.seatsPerSecond / single.seatsPerSecond).toFixed(1));
    const oversold = single.oversold + sharded.oversold;
    rows.push(
      row(
        `hot event, ${sharded.shards} shards / 1 shard`,
        `${speedUp}x (${sharded.seatsPerSecond} / ${single.seatsPerSecond} seats/s), ${oversold} oversold`,
        `>= ${TARGETS.hotSpeedUp}x, 0 oversold`,
        speedUp >= TARGETS.hotSpeedUp && oversold === 0,
      ),
    );
  }
  return rows;
};

const MET = { true: 'yes', false: 'NO', null: '-' } as const;

/** Plain aligned columns, readable in a terminal and in a CI log alike. */
export const formatTable = (rows: TableRow[]): string[] => {
  const cells = [
    ['figure', 'value', 'target', 'met'],
    ...rows.map((r) => [r.figure, r.value, r.target, MET[`${r.met}`]]),
  ];
  const widths =
    cells[0]?.map((_, column) => Math.max(...cells.map((line) => line[column]?.length ?? 0))) ?? [];
  return cells.map((line) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );
};
