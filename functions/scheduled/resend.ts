// In AWS: loads the manage token key (the resent emails carry manage links) before the handler can run.
import '../wiring/token-key.js';
import { resendStuckClaims } from '../notify/resend-stuck.js';
import { sendDepsFromEnv } from '../wiring/notify.js';

/**
 * Every five minutes in AWS (an EventBridge rule, lib/notifications.ts): the stuck-claim sweep.
 * Emails claimed and never recorded as sent are sent again; the summary is logged for the
 * alarms (lib/monitoring.ts). Locally the runtime's tick runs the same sweep.
 */
export const handler = async () => resendStuckClaims(sendDepsFromEnv());
