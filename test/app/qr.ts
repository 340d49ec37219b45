/** QR fixtures for the tests: a PNG file of a text, and a Y4M video of it for Chromium's fake camera. */
import { writeFileSync } from "node:fs";
import QRCode from "qrcode";

export async function qrPng(path: string, text: string): Promise<void> {
  await QRCode.toFile(path, text, { errorCorrectionLevel: "M", margin: 4, width: 360 });
}

/** A few frames of 640x480 I420 video showing the QR code, in the YUV4MPEG2 format Chromium's fake capture reads. */
export function qrY4m(path: string, text: string): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const W = 640;
  const H = 480;
  const n = modules.size;
  const scale = Math.floor(400 / (n + 8));
  const side = (n + 8) * scale;
  const x0 = Math.floor((W - side) / 2);
  const y0 = Math.floor((H - side) / 2);
  const y = new Uint8Array(W * H).fill(235);
  for (let r = 0; r < n; r++)
    for (let c = 0; c < n; c++) {
      if (!modules.get(r, c)) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (y0 + (r + 4) * scale + dy) * W;
        for (let dx = 0; dx < scale; dx++) y[row + x0 + (c + 4) * scale + dx] = 16;
      }
    }
  const chroma = new Uint8Array((W / 2) * (H / 2)).fill(128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), Buffer.from(y), Buffer.from(chroma), Buffer.from(chroma)]);
  const header = Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, frame, frame, frame, frame, frame]));
}
