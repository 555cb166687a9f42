/**
 * Calendar files must not depend on the server's own time zone (Lambda runs in UTC, a laptop
 * maybe not). Each file is built in a child process started with TZ=UTC, then again with
 * TZ=America/New_York, for events on both sides of the Paris daylight-saving changes; the
 * instants read back must be the stored ones, and the bytes the same under both zones.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectWellFormed, instantOf, only, parseIcs } from './support/ical.js';

const SCRIPT = fileURLToPath(new URL('./support/dst-sample.ts', import.meta.url));
const ZONES = ['UTC', 'America/New_York'] as const;

interface Sample {
  processZone: string;
  januaryOffsetMinutes: number;
  stored: Record<string, [string, string]>;
  files: { invites: Record<string, string>; publicFiles: Record<string, string>; feed: string };
}

const run = async (zone: string): Promise<Sample> => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT], {
    env: { ...process.env, TZ: zone },
  });
  return JSON.parse(stdout) as Sample;
};

const samples = new Map<string, Sample>();

beforeAll(async () => {
  for (const zone of ZONES) samples.set(zone, await run(zone));
}, 60_000);

describe.each(ZONES)('built with TZ=%s', (zone) => {
  const sample = () => samples.get(zone) as Sample;

  it('really ran in that zone', () => {
    expect(sample().processZone).toBe(zone);
    expect(sample().januaryOffsetMinutes).toBe(zone === 'UTC' ? 0 : 300);
  });

  it('puts each invitation and public file at the stored instants, through a VTIMEZONE', () => {
    const { stored, files } = sample();
    expect(Object.keys(stored)).toHaveLength(6);
    for (const [id, [startsAt, endsAt]] of Object.entries(stored)) {
      for (const text of [files.invites[id], files.publicFiles[id]]) {
        const file = parseIcs(text ?? '');
        expectWellFormed(file);
        const vevent = only(file);
        expect(instantOf(file, vevent, 'dtstart'), `${id} start`).toBe(startsAt);
        expect(instantOf(file, vevent, 'dtend'), `${id} end`).toBe(endsAt);
      }
    }
  });

  it('writes Paris local times with TZID where they are exact, UTC in the repeated autumn hour', () => {
    const { files } = sample();
    expect(files.publicFiles['before-spring']).toContain('DTSTART;TZID=Europe/Paris:20260327T190000');
    expect(files.publicFiles['after-spring']).toContain('DTSTART;TZID=Europe/Paris:20260330T190000');
    expect(files.publicFiles['before-autumn']).toContain('DTSTART;TZID=Europe/Paris:20261023T190000');
    expect(files.publicFiles['after-autumn']).toContain('DTSTART;TZID=Europe/Paris:20261026T190000');
    // 02:30 happens twice that night and readers disagree on which one a local time means: UTC.
    expect(files.publicFiles['across-autumn']).toContain('DTSTART:20261025T003000Z');
    expect(files.publicFiles['across-autumn']).toContain('DTEND:20261025T013000Z');
    expect(files.publicFiles['across-autumn']).not.toContain('TZID=');
  });

  it('puts every feed entry at its stored instants', () => {
    const { stored, files } = sample();
    const feed = parseIcs(files.feed);
    expectWellFormed(feed);
    expect(feed.events).toHaveLength(6);
    for (const vevent of feed.events) {
      const id = String(vevent.getFirstPropertyValue('summary'));
      expect(instantOf(feed, vevent, 'dtstart'), id).toBe(stored[id]?.[0]);
      expect(instantOf(feed, vevent, 'dtend'), id).toBe(stored[id]?.[1]);
    }
  });
});

it('gives byte-identical files under both zones', () => {
  expect(samples.get('America/New_York')?.files).toEqual(samples.get('UTC')?.files);
});
