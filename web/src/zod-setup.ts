import { config } from 'zod/mini';

/**
 * Imported before any schema is built: zod then never probes `new Function`, which the
 * page's Content-Security-Policy (no 'unsafe-eval') would report as a violation.
 */
config({ jitless: true });
