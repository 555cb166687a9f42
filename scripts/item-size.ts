/**
 * DynamoDB's item size rules (attribute names count; numbers take about one byte per two
 * digits plus one; maps and lists 3 bytes plus one per element), and what a write costs in
 * a transaction: twice the 1 KB units of each item, on the larger of its before/after size.
 */

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

export const valueSize = (value: unknown): number => {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/^0\.|\./, '')
      .replace(/e.*$/, '')
      .replace(/^0+/, '');
    return Math.ceil(digits.length / 2) + 1;
  }
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value))
    return 3 + value.reduce((sum: number, element) => sum + 1 + valueSize(element), 0);
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + valueSize(element), 0);
  return (
    3 +
    Object.entries(value as Record<string, unknown>).reduce(
      (sum, [name, element]) => sum + 1 + utf8(name) + valueSize(element),
      0,
    )
  );
};

export const itemSize = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);

/** Write units of one transaction touching items of these sizes (bytes). */
export const transactionWriteUnits = (sizes: number[]): number =>
  sizes.reduce((sum, size) => sum + 2 * Math.max(1, Math.ceil(size / 1024)), 0);
