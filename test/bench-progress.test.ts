/** Progress lines of `npm run bench`: redrawn on a terminal, sparse and plain in a log or CI. */
import { describe, expect, it } from 'vitest';
import { doneLine, LOG_PROGRESS_INTERVAL_MS, progressLine } from '../scripts/bench-pool.js';

const recorder = (isTTY: boolean) => {
  const written: string[] = [];
  return { stream: { isTTY, write: (chunk: string) => written.push(chunk) > 0 }, written };
};

describe('bench progress', () => {
  it('redraws one line in place on a terminal', () => {
    const { stream, written } = recorder(true);
    const progress = progressLine(stream, () => 0);
    progress('a: 100/200');
    progress('a: 200/200');
    doneLine(stream)('a done');
    expect(written).toEqual(['\r\x1b[2Ka: 100/200', '\r\x1b[2Ka: 200/200', '\r\x1b[2Ka done\n']);
  });

  it('in a log, prints plain lines, at most one every few seconds', () => {
    const { stream, written } = recorder(false);
    let clock = 1_000_000;
    const progress = progressLine(stream, () => clock);
    for (let step = 1; step <= 100; step++) {
      progress(`a: ${step}/100`);
      clock += 250; // 100 updates over 25 s
    }
    doneLine(stream)('a done');
    expect(written.every((line) => !line.includes('\x1b') && !line.includes('\r'))).toBe(true);
    expect(written.at(-1)).toBe('a done\n');
    const progressLines = written.slice(0, -1);
    expect(progressLines[0]).toBe('a: 1/100\n');
    expect(progressLines).toHaveLength(Math.ceil((100 * 250) / LOG_PROGRESS_INTERVAL_MS));
  });
});
