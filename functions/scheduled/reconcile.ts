import { randomBytes } from 'node:crypto';
import { MailLedger } from '../notify/ledger.js';
import { log } from '../platform/log.js';
import { reconcileAll } from '../registrations/reconcile.js';
import { documentClient } from '../wiring/clients.js';
import { tableName } from '../wiring/config.js';
import { createServices, type Services } from '../wiring/services.js';

/**
 * The hourly reconciliation in AWS (an EventBridge Scheduler schedule invokes it): every
 * event's seat counters recomputed from its items, drift logged and repaired, and the emails
 * claimed but never recorded as sent counted (both alarmed on). It needs the
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

/** A claim first made this long ago and still not sent has outlived the sweep's resends. */
export const STUCK_MAIL_CLAIM_MINUTES = 15;

export interface ReconcileSummary {
  events: number;
  drifted: number;
  repaired: number;
  /** Emails claimed for sending and never recorded as sent (lib/monitoring.ts alarms on it). */
  stuckMailClaims: number;
}

export const handler = async (): Promise<ReconcileSummary> => {
  const services = servicesForReconcile();
  const reports = await reconcileAll(services, { repair: true });
  const ledger = new MailLedger(documentClient(), tableName());
  // First claimed that long ago and still not sent: the sweep (every few minutes) could not send it.
  const olderThan = new Date(Date.now() - STUCK_MAIL_CLAIM_MINUTES * 60_000).toISOString();
  const stuckMailClaims = (await ledger.stuckClaims(new Date())).filter(
    (claim) => claim.claimedAt < olderThan,
  ).length;
  const summary: ReconcileSummary = {
    events: reports.length,
    drifted: reports.filter((report) => report.drift.length > 0).length,
    repaired: reports.filter((report) => report.status === 'repaired').length,
    stuckMailClaims,
  };
  // lib/monitoring.ts reads `drifted` and `stuckMailClaims` from this line (RECONCILE_SUMMARY).
  log.info('reconciliation done', { ...summary });
  return summary;
};
