import { crc32, deflateSync } from 'node:zlib';
import { encodeQR } from 'qr';

/**
 * A QR code as a PNG, for emails: mail clients show an attached image referenced by `cid:`
 * without loading anything remote, where they block `data:` URIs and strip SVG. A 1-bit
 * greyscale PNG is the smallest there is (about 300 bytes for a check-in code).
 */

/** Pixels per module: 6 makes a check-in code about 220 px wide, which phones read from a screen or paper. */
const SCALE = 6;

const chunk = (type: string, data: Buffer): Buffer => {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
};

export const qrPng = (text: string): Buffer => {
  // `border: 4` is the quiet zone the standard asks for; medium correction survives a scuffed screen.
  const modules = encodeQR(text, 'raw', { ecc: 'medium', border: 4 });
  const size = modules.length * SCALE;
  const rowBytes = Math.ceil(size / 8);
  const pixels = Buffer.alloc((rowBytes + 1) * size, 0);
  for (let y = 0; y < size; y++) {
    const row = modules[Math.floor(y / SCALE)] ?? [];
    const offset = y * (rowBytes + 1) + 1; // after the row's filter byte (0: none)
    for (let x = 0; x < size; x++) {
      // Bit 1 is white in greyscale: dark modules stay 0.
      const at = offset + (x >> 3);
      if (!row[Math.floor(x / SCALE)]) pixels[at] = (pixels[at] ?? 0) | (0x80 >> (x & 7));
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, no filter set, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};
