import type { RegistrationRecord } from './model.js';
import type { RegistrationStatus } from './schemas.js';

/**
 * The organiser's list of one event's registrations: filtered, searched, sorted and paged in
 * memory. An event holds at most a few thousand registrations, so the handler reads them all
 * in one consistent Query and this cuts the page: the status filter and the search apply
 * before the page is cut (pages are full unless last), which a DynamoDB Limit with a
 * FilterExpression cannot do, and sorting by name needs every name anyway.
 */

export const listSorts = ['newest', 'oldest', 'name'] as const;
export type ListSort = (typeof listSorts)[number];

/** Letters NFD leaves whole (they are letters of their own, not a base letter with a mark). */
const UNDECOMPOSED: Record<string, string> = { ø: 'o', ł: 'l', ß: 'ss', æ: 'ae', œ: 'oe', đ: 'd', ð: 'd' };

/** Lower case, accents off, ø ł ß æ œ đ spelt out: "soren" finds Søren, "strasse" Straße. */
export const foldForSearch = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[øłßæœđð]/g, (letter) => UNDECOMPOSED[letter] ?? letter);

/** Where a page starts: after this (sort key, id) pair, in the order of this sort. */
export interface ListPosition {
  sort: ListSort;
  key: string;
  id: string;
}

interface Entry {
  registration: RegistrationRecord;
  key: string;
}

/** Each sort is a key and a direction; ties go by id, so the order is total and a position exact. */
const ORDERS: Record<ListSort, { key: (r: RegistrationRecord) => string; direction: 1 | -1 }> = {
  newest: { key: (r) => r.createdAt, direction: -1 },
  oldest: { key: (r) => r.createdAt, direction: 1 },
  name: { key: (r) => foldForSearch(r.name), direction: 1 },
};

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const listPage = (
  all: RegistrationRecord[],
  options: { status?: RegistrationStatus; q?: string; sort: ListSort; limit: number; after?: ListPosition },
): { items: RegistrationRecord[]; next?: ListPosition; total: number } => {
  const order = ORDERS[options.sort];
  const compare = (a: { key: string; id: string }, b: { key: string; id: string }) =>
    order.direction * (compareKeys(a.key, b.key) || compareKeys(a.id, b.id));
  const wanted = foldForSearch(options.q?.trim() ?? '');
  const found = (r: RegistrationRecord) =>
    [r.name, r.email, r.company ?? ''].some((field) => foldForSearch(field).includes(wanted));

  const matching: Entry[] = all
    .filter((r) => (!options.status || r.status === options.status) && (!wanted || found(r)))
    .map((registration) => ({ registration, key: order.key(registration) }))
    .sort((a, b) => compare({ key: a.key, id: a.registration.id }, { key: b.key, id: b.registration.id }));

  const { after } = options;
  // The first entry past the position; a registration erased meanwhile does not shift the page.
  const start = after
    ? matching.findIndex((entry) => compare({ key: entry.key, id: entry.registration.id }, after) > 0)
    : 0;
  const page = start < 0 ? [] : matching.slice(start, start + options.limit);
  const last = page.at(-1);
  const more = start >= 0 && start + options.limit < matching.length;
  return {
    items: page.map((entry) => entry.registration),
    next: more && last ? { sort: options.sort, key: last.key, id: last.registration.id } : undefined,
    total: matching.length,
  };
};
