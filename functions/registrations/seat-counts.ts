import type { RegistrationRecord } from './model.js';

/** The counters a registration in each status contributes to its seat quota. */
export const seatCounts = (registration: Pick<RegistrationRecord, 'status' | 'checkedInAt'>) => ({
  held: registration.status === 'confirmed' || registration.status === 'pending_confirmation' ? 1 : 0,
  pending: registration.status === 'pending_confirmation' ? 1 : 0,
  waitlisted: registration.status === 'waitlisted' ? 1 : 0,
  checkedIn: registration.checkedInAt ? 1 : 0,
});

/** Counter deltas added up, name by name. */
export const plus = (...all: Record<string, number>[]): Record<string, number> => {
  const sum: Record<string, number> = {};
  for (const deltas of all)
    for (const [name, delta] of Object.entries(deltas)) sum[name] = (sum[name] ?? 0) + delta;
  return sum;
};
