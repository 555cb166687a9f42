import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two lanes. `unit` needs neither Java (DynamoDB Local) nor Chromium: the edit-test loop,
 * `npm run test:unit`. `integration` is everything else, on one DynamoDB Local for the run.
 * A new test file lands in `integration` unless it is listed here.
 */
const UNIT = [
  'test/auth-claims.test.ts',
  'test/bench-progress.test.ts',
  'test/bench-table.test.ts',
  'test/bundles.test.ts',
  'test/calendar-rfc.test.ts',
  'test/calendar-tz.test.ts',
  'test/calendar-zones.test.ts',
  'test/challenge.test.ts',
  'test/domain.test.ts',
  'test/field-problems.test.ts',
  'test/follow-up.test.ts',
  'test/infra.test.ts',
  'test/infra-safety.test.ts',
  'test/infra-secrets.test.ts',
  'test/infra-waf.test.ts',
  'test/lazy-schemas.test.ts',
  'test/mail.test.ts',
  'test/notify-aws.test.ts',
  'test/notify-decide.test.ts',
  'test/outbox.test.ts',
  'test/page-head.test.ts',
  'test/reminders.test.ts',
  'test/attendance-code.test.ts',
  'test/retry.test.ts',
  'test/toolchain.test.ts',
  'test/webhook-queue.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
