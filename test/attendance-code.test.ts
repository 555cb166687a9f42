/** Attendance codes (door QR code, personal join link): one per registration, unforgeable, case-proof. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId } from '../functions/platform/tokens.js';
import { attendanceCodes } from '../functions/registrations/attendance-code.js';

describe('attendance codes', () => {
  const key = randomBytes(32);
  const codes = attendanceCodes(() => key);

  it('name one registration each, in upper-case hex (QR alphanumeric mode), read back in any case', () => {
    const ids = Array.from({ length: 50 }, () => newId('reg'));
    const all = ids.map((id) => codes.for(id) ?? '');
    expect(new Set(all).size).toBe(ids.length);
    for (const [i, code] of all.entries()) {
      expect(code).toMatch(/^[0-9A-F]{40}$/);
      expect(codes.registrationOf(code)).toBe(ids[i]);
      expect(codes.registrationOf(` ${code.toLowerCase()} `)).toBe(ids[i]);
    }
  });

  it('refuse a forged, altered, truncated or hostile code, and another key’s code', () => {
    const code = codes.for(newId('reg')) ?? '';
    const flip = (at: number) => code.slice(0, at) + (code[at] === '0' ? '1' : '0') + code.slice(at + 1);
    const other = attendanceCodes(() => randomBytes(32)).for(newId('reg')) ?? '';
    for (const bad of [
      flip(0),
      flip(code.length - 1),
      code.slice(1),
      code.slice(0, -1),
      `${code}0`,
      other,
      '',
      'constructor',
      '../../etc',
      '0'.repeat(40),
    ]) {
      expect(codes.registrationOf(bad)).toBeUndefined();
    }
    expect(codes.for('evt_not-a-registration')).toBeUndefined();
  });
});
