/** The table `npm run bench` ends with: each figure against its target, rows for the parts that ran. */
import { describe, expect, it } from 'vitest';
import { type BenchFigures, formatTable, tableRows } from '../scripts/bench-table.js';

const register: BenchFigures = {
  register: { requests: 5000, capacity: 1000, rps: 256 },
  raw: { rps: 673 },
  ratio: 0.38,
};
const feed: BenchFigures = { feed: { overhead: 1.4 } };
const bundles: BenchFigures = {
  bundles: {
    largest: { entry: 'functions/api/manage/invite.ts', kb: 341 },
    importRatio: { worst: 1.9, median: 1.25, worstEntry: 'functions/api/public/register.ts' },
  },
};
const hot = (oversold: number): BenchFigures => ({
  hot: [
    { shards: 1, seatsPerSecond: 94, oversold: 0 },
    { shards: 40, seatsPerSecond: 555, oversold },
  ],
});

const metOf = (results: BenchFigures) =>
  Object.fromEntries(tableRows(results).map((row) => [row.figure, row.met]));

describe('bench table', () => {
  it('holds every figure of a full run to its target', () => {
    expect(metOf({ ...register, ...feed, ...bundles, ...hot(0) })).toEqual({
      'register / raw, waitlisting': false,
      'register / raw, every request seated': null,
      'waitlist positions in a burst': null,
      'organiser feed / ical-generator': true,
      'largest function bundle': false,
      'cold import / minimal DynamoDB handler, worst': false,
      'cold import / minimal DynamoDB handler, median': true,
      'hot event, 40 shards / 1 shard': true,
    });
  });

  it('holds a run with a seat for every request to the seated target instead', () => {
    const seated = tableRows({
      ...register,
      register: { requests: 5000, capacity: 5000, rps: 355 },
      ratio: 0.75,
    });
    expect(seated.map((row) => [row.figure, row.value, row.met])).toEqual([
      ['register / raw, waitlisting', 'not run (capacity 5000)', null],
      ['register / raw, every request seated', '0.75 (355 / 673 per s)', true],
      ['waitlist positions in a burst', 'see test/registrations.test.ts', null],
    ]);
  });

  it('counts a sharded rush that oversells as missed, however fast', () => {
    expect(tableRows(hot(1))).toEqual([
      {
        figure: 'hot event, 40 shards / 1 shard',
        value: '5.9x (555 / 94 seats/s), 1 oversold',
        target: '>= 4x, 0 oversold',
        met: false,
      },
    ]);
  });

  it('has rows only for the parts that ran (--only=)', () => {
    expect(tableRows(feed).map((row) => row.figure)).toEqual(['organiser feed / ical-generator']);
    expect(tableRows({})).toEqual([]);
  });

  it('prints aligned columns, with the misses plain to see', () => {
    const lines = formatTable(tableRows({ ...feed, ...bundles }));
    expect(lines[0]).toMatch(/^figure +value +target +met$/);
    expect(lines).toHaveLength(5);
    const targetColumn = lines[0]?.indexOf('target');
    for (const line of lines.slice(1)) expect(line.slice(targetColumn).split('  ')[0]).toMatch(/^<= /);
    expect(lines.map((line) => line.split(' ').at(-1))).toEqual(['met', 'yes', 'NO', 'NO', 'yes']);
  });
});
