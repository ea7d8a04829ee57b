// Draws images/icon.png (128×128): two goroutine lanes on Go blue that meet at an orange point, the
// spot where concurrent work collides. Pure code (zlib + CRC), no image tools needed:
//   node scripts/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const px = Buffer.alloc(N * N * 4);
const blend = (x, y, [r, g, b], a) => {
  if (x < 0 || y < 0 || x >= N || y >= N || a <= 0) return;
  const i = (y * N + x) * 4;
  const k = Math.min(1, a);
  px[i] = Math.round(px[i] * (1 - k) + r * k);
  px[i + 1] = Math.round(px[i + 1] * (1 - k) + g * k);
  px[i + 2] = Math.round(px[i + 2] * (1 - k) + b * k);
  px[i + 3] = Math.max(px[i + 3], Math.round(255 * k));
};
// Rounded square background (anti-aliased by coverage sampling).
const inRounded = (x, y, r) => {
  const cx = Math.min(Math.max(x, r), N - r);
  const cy = Math.min(Math.max(y, r), N - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const cover = (f, x, y) => {
  let c = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (f(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) c++;
  return c / 16;
};
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) blend(x, y, [0, 125, 156], cover((a, b) => inRounded(a, b, 22), x, y));
// Two lanes: thick white curves that cross at the centre.
const lane = (t, flip) => [12 + t * 104, 64 + (flip ? -1 : 1) * 34 * Math.cos(t * Math.PI)];
const near = (a, b, flip, w) => {
  for (let s = 0; s <= 200; s++) {
    const [lx, ly] = lane(s / 200, flip);
    if ((a - lx) ** 2 + (b - ly) ** 2 <= w * w) return true;
  }
  return false;
};
for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    const c = Math.max(cover((a, b) => near(a, b, false, 7), x, y), cover((a, b) => near(a, b, true, 7), x, y));
    blend(x, y, [255, 255, 255], c * 0.95);
  }
}
// The collision: an orange dot with a dark ring.
for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    blend(x, y, [33, 37, 41], cover((a, b) => (a - 64) ** 2 + (b - 64) ** 2 <= 17 ** 2, x, y));
    blend(x, y, [253, 126, 20], cover((a, b) => (a - 64) ** 2 + (b - 64) ** 2 <= 13 ** 2, x, y));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) px.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync('images/icon.png', png);
console.log(`images/icon.png: ${png.length} bytes`);
