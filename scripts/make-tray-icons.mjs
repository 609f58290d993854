#!/usr/bin/env node
// Makes the tray icons (resources/tray.png 16x16 and tray@2x.png 32x32, which Electron picks
// on high-density screens) from resources/icon.png by averaging pixel blocks, and macOS's
// template images (trayTemplate.png, trayTemplate@2x.png): the icon's white glyph as black with
// alpha, which the menu bar draws in its own colours, light or dark. Plain Node and
// zlib, no image library and no network; reads only 8-bit RGBA non-interlaced PNGs, which
// is what icon.png is. Run it again after changing icon.png.
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateSync, inflateSync } from 'node:zlib';

const resources = new URL('../resources/', import.meta.url);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunksOf(png) {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('icon.png is not a PNG file');
  const chunks = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    chunks.push({
      type: png.toString('latin1', at + 4, at + 8),
      data: png.subarray(at + 8, at + 8 + length),
    });
    at += 12 + length;
  }
  return chunks;
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function decodeRgba(png) {
  const chunks = chunksOf(png);
  const header = chunks.find((c) => c.type === 'IHDR').data;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, colorType, , , interlace] = header.subarray(8, 13);
  if (depth !== 8 || colorType !== 6 || interlace !== 0) {
    throw new Error('icon.png must be an 8-bit RGBA PNG without interlacing');
  }
  const raw = inflateSync(
    Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)),
  );
  const stride = width * 4;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= 4 ? pixels[y * stride + x - 4] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const upLeft = x >= 4 && y > 0 ? pixels[(y - 1) * stride + x - 4] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  return { width, height, pixels };
}

/** Averages each block, weighting colour by alpha so transparent edges do not darken. */
function shrink({ width, height, pixels }, size) {
  const out = Buffer.alloc(size * size * 4);
  const block = width / size;
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      const sum = [0, 0, 0, 0];
      let count = 0;
      for (let y = Math.floor(oy * block); y < Math.floor((oy + 1) * block) && y < height; y++) {
        for (let x = Math.floor(ox * block); x < Math.floor((ox + 1) * block); x++) {
          const i = (y * width + x) * 4;
          const alpha = pixels[i + 3];
          for (let c = 0; c < 3; c++) sum[c] += pixels[i + c] * alpha;
          sum[3] += alpha;
          count++;
        }
      }
      const o = (oy * size + ox) * 4;
      for (let c = 0; c < 3; c++) out[o + c] = sum[3] === 0 ? 0 : Math.round(sum[c] / sum[3]);
      out[o + 3] = Math.round(sum[3] / count);
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function encodeRgba(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const lines = [];
  for (let y = 0; y < size; y++) {
    lines.push(Buffer.from([0]), pixels.subarray(y * size * 4, (y + 1) * size * 4));
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(lines), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * The glyph alone: how white a pixel is (its darkest channel, from the background's to white)
 * becomes its alpha, in black. The background's own darkest channel is taken at a corner
 * inside the rounded square.
 */
function templateOf({ width, height, pixels }) {
  const inset = Math.floor(width / 8);
  const background = Math.min(
    ...pixels.subarray((inset * width + inset) * 4, (inset * width + inset) * 4 + 3),
  );
  const out = Buffer.alloc(pixels.length);
  for (let i = 0; i < pixels.length; i += 4) {
    const whiteness = Math.min(pixels[i], pixels[i + 1], pixels[i + 2]);
    const glyph = Math.max(0, whiteness - background) / (255 - background);
    out[i + 3] = Math.round(glyph * pixels[i + 3]);
  }
  return { width, height, pixels: out };
}

const icon = decodeRgba(readFileSync(new URL('icon.png', resources)));
const template = templateOf(icon);
for (const [name, size, image] of [
  ['tray.png', 16, icon],
  ['tray@2x.png', 32, icon],
  ['trayTemplate.png', 16, template],
  ['trayTemplate@2x.png', 32, template],
]) {
  writeFileSync(new URL(name, resources), encodeRgba(size, shrink(image, size)));
  console.log(`resources/${name}: ${size}x${size}`);
}
