import uPlot from 'uplot';
import type { DayCount } from './api.js';

/**
 * Registrations per day as bars, with the running total as a line (its own scale), drawn by
 * uPlot, a small canvas chart library. Loaded on demand: only the event view needs it.
 */

export interface ChartLabels {
  day: string;
  perDay: string;
  total: string;
}

const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];
const DAY_STEPS = [1, 2, 7, 14, 28, 56];
const DAY_MS = 86_400_000;

const totalOf = (day: DayCount) =>
  day.confirmed + (day.pendingConfirmation ?? 0) + day.waitlisted + day.cancelled;

/** Every calendar day from the first to the last, quiet days at zero (the API lists busy days only). */
const everyDay = (days: DayCount[]): { date: string; count: number }[] => {
  const counts = new Map(days.map((day) => [day.date, totalOf(day)]));
  const first = days[0]?.date;
  const last = days[days.length - 1]?.date;
  if (!first || !last) return [];
  const all: { date: string; count: number }[] = [];
  // Dates are the event's calendar days, written YYYY-MM-DD: stepped in UTC so no clock shifts them.
  for (let time = Date.parse(`${first}T00:00:00Z`); time <= Date.parse(`${last}T00:00:00Z`); time += DAY_MS) {
    const date = new Date(time).toISOString().slice(0, 10);
    all.push({ date, count: counts.get(date) ?? 0 });
    if (all.length > 400) break;
  }
  return all;
};

export const drawChart = (
  target: HTMLElement,
  days: DayCount[],
  labels: ChartLabels,
  locale: string,
): (() => void) => {
  const series = everyDay(days);
  const dayLabel = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const labelOf = (index: number) => {
    const day = Number.isInteger(index) ? series[index] : undefined;
    return day ? dayLabel.format(new Date(`${day.date}T12:00:00Z`)) : '';
  };
  let running = 0;
  const cumulative = series.map((day) => {
    running += day.count;
    return running;
  });
  const width = () => Math.max(280, target.clientWidth);
  const plot = new uPlot(
    {
      width: width(),
      height: 220,
      cursor: { drag: { x: false, y: false } },
      scales: {
        // One slot per day (the x values are day numbers, labelled with their dates).
        x: { time: false, range: () => [-0.5, series.length - 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
        total: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      axes: [
        { incrs: DAY_STEPS, values: (_u, splits) => splits.map(labelOf) },
        // People come whole: integer ticks only.
        { scale: 'y', label: labels.perDay, size: 50, incrs: COUNT_STEPS },
        { scale: 'total', side: 1, label: labels.total, grid: { show: false }, size: 50, incrs: COUNT_STEPS },
      ],
      series: [
        { label: labels.day, value: (_u, v) => (v === null ? '' : labelOf(v)) },
        {
          label: labels.perDay,
          scale: 'y',
          stroke: '#0b4f8a',
          fill: 'rgba(11, 79, 138, 0.55)',
          paths: uPlot.paths.bars?.({ size: [0.6, 48] }),
          points: { show: false },
        },
        { label: labels.total, scale: 'total', stroke: '#1d6b35', width: 2 },
      ],
    },
    [series.map((_day, index) => index), series.map((day) => day.count), cumulative],
    target,
  );
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
  observer.observe(target);
  return () => {
    observer.disconnect();
    plot.destroy();
  };
};

/** A tracking link's numbers, as the links table shows them (links.ts). */
export interface LinkCounts {
  label: string;
  registrations: number;
  attended: number;
}

/** A name on the x axis: short enough to sit under its bar on a phone. */
const shortLabel = (label: string) => (label.length > 14 ? `${label.slice(0, 13)}…` : label);

/**
 * Registrations per tracking link as bars, and those who came as narrower bars inside them (they
 * are part of them), one slot per link.
 */
export const drawLinkBars = (
  target: HTMLElement,
  links: LinkCounts[],
  labels: { link: string; registered: string; came: string },
): (() => void) => {
  const width = () => Math.max(260, target.clientWidth);
  const labelOf = (index: number) => {
    const link = Number.isInteger(index) ? links[index] : undefined;
    return link ? shortLabel(link.label) : '';
  };
  const plot = new uPlot(
    {
      width: width(),
      height: 200,
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: () => [-0.5, links.length - 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] },
      },
      axes: [
        { incrs: [1], values: (_u, splits) => splits.map(labelOf) },
        { scale: 'y', size: 50, incrs: COUNT_STEPS },
      ],
      series: [
        { label: labels.link, value: (_u, v) => (v === null ? '' : labelOf(v)) },
        {
          label: labels.registered,
          stroke: '#0b4f8a',
          fill: 'rgba(11, 79, 138, 0.35)',
          paths: uPlot.paths.bars?.({ size: [0.6, 64] }),
          points: { show: false },
        },
        {
          label: labels.came,
          stroke: '#1d6b35',
          fill: 'rgba(29, 107, 53, 0.75)',
          paths: uPlot.paths.bars?.({ size: [0.3, 32] }),
          points: { show: false },
        },
      ],
    },
    [
      links.map((_link, index) => index),
      links.map((link) => link.registrations),
      links.map((link) => link.attended),
    ],
    target,
  );
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 200 }));
  observer.observe(target);
  return () => {
    observer.disconnect();
    plot.destroy();
  };
};
