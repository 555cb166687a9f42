import { randomBytes } from 'node:crypto';
import { reconcileAll } from '../registrations/reconcile.js';
import { documentClient } from '../shared/clients.js';
import { tableName } from '../shared/config.js';
import { log } from '../shared/log.js';
import { createServices, type Services } from '../shared/services.js';

/**
 * The hourly reconciliation in AWS (an EventBridge Scheduler schedule invokes it): every
 * event's gate counters recomputed from its items, drift logged and repaired. It needs the
 * table only (read-write); no token key: the random one below never seals anything, since
 * reconciliation issues no manage link.
 */

let wired: Services | undefined;

const servicesForReconcile = (): Services => {
  wired ??= createServices({
    db: documentClient(),
    tableName: tableName(),
    baseUrl: process.env.PUBLIC_BASE_URL ?? 'https://invalid.example',
    tokenKey: randomBytes(32),
    // Promotions after a repair hold seats this long when the event asks for confirmation.
    holdMinutes: Number(process.env.PENDING_HOLD_MINUTES) || 120,
  });
  return wired;
};

export const handler = async (): Promise<{ events: number; drifted: number; repaired: number }> => {
  const reports = await reconcileAll(servicesForReconcile(), { repair: true });
  const summary = {
    events: reports.length,
    drifted: reports.filter((report) => report.drift.length > 0).length,
    repaired: reports.filter((report) => report.status === 'repaired').length,
  };
  log.info('reconciliation done', summary);
  return summary;
};
