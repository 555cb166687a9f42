import { inflateSync } from 'node:zlib';

/**
 * Pictures of QR codes for the tests: the emails' PNG read back into pixels (a reader for the
 * greyscale PNGs functions/mail/qr-png.ts writes, strict about what it does not handle), and a
 * fake camera's video (YUV4MPEG2, which Chromium's `--use-file-for-fake-video-capture` plays).
 */

export interface Luma {
  width: number;
  height: number;
  /** One byte per pixel, 0 black to 255 white. */
  data: Uint8Array;
}

export const readGreyPng = (png: Buffer): Luma => {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    throw new Error('Not a PNG');
  let offset = 8;
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  if (!header) throw new Error('No IHDR');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, colour, , , interlace] = header.subarray(8);
  if (colour !== 0 || interlace !== 0 || (depth !== 1 && depth !== 8))
    throw new Error(`Unhandled PNG: depth ${depth}, colour ${colour}, interlace ${interlace}`);
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = Math.ceil((width * depth) / 8);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * (rowBytes + 1);
    if (raw[row] !== 0) throw new Error(`Unhandled PNG row filter ${raw[row]}`);
    for (let x = 0; x < width; x++) {
      data[y * width + x] =
        depth === 8
          ? (raw[row + 1 + x] ?? 0)
          : ((raw[row + 1 + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1
            ? 255
            : 0;
    }
  }
  return { width, height, data };
};

/** RGBA pixels, as decoders and canvases take them. */
export const rgbaOf = ({ width, height, data }: Luma) => {
  const rgba = new Uint8ClampedArray(width * height * 4);
  data.forEach((value, i) => {
    rgba.set([value, value, value, 255], i * 4);
  });
  return { width, height, data: rgba };
};

/**
 * A still video of `picture`, scaled up by `scale` and centred on white, as YUV4MPEG2 (I420):
 * the header, then frames of the luma plane and two flat chroma planes.
 */
export const y4mOf = (picture: Luma, { width = 640, height = 480, scale = 1, frames = 10 } = {}): Buffer => {
  const luma = Buffer.alloc(width * height, 255);
  const left = Math.floor((width - picture.width * scale) / 2);
  const top = Math.floor((height - picture.height * scale) / 2);
  for (let y = 0; y < picture.height * scale; y++) {
    for (let x = 0; x < picture.width * scale; x++) {
      luma[(top + y) * width + left + x] =
        picture.data[Math.floor(y / scale) * picture.width + Math.floor(x / scale)] ?? 255;
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  return Buffer.concat([
    Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`),
    ...Array.from({ length: frames }, () => frame),
  ]);
};
