/**
 * A QR code as a PNG image (qrcode is loaded on first use, outside the verifier's first download). Drawn at a whole
 * number of pixels per module, about `size` wide: a fractional scale draws modules of uneven widths, which a scanner
 * reading a dense code (a printed disclosure is about version 35) misreads.
 */
import { useEffect, useState } from "react";

const MARGIN = 4;

export function QrImage({ text, alt, size = 220, className }: { text: string; alt: string; size?: number; className?: string }) {
  const [drawn, setDrawn] = useState<{ src: string; px: number } | null>(null);
  useEffect(() => {
    let live = true;
    import("qrcode")
      .then(async (QR) => {
        const modules = QR.create(text, { errorCorrectionLevel: "M" }).modules.size + 2 * MARGIN;
        const scale = Math.max(1, Math.round(size / modules));
        const src = await QR.toDataURL(text, { errorCorrectionLevel: "M", margin: MARGIN, scale, color: { dark: "#000000", light: "#ffffff" } });
        return { src, px: modules * scale };
      })
      .then((d) => live && setDrawn(d))
      .catch(() => live && setDrawn(null));
    return () => {
      live = false;
    };
  }, [text, size]);
  return drawn ? (
    <img className={className ?? "qr"} src={drawn.src} width={drawn.px} height={drawn.px} alt={alt} data-qr-text={text} />
  ) : (
    <div className="qr placeholder" style={{ width: size, height: size }} aria-hidden="true" />
  );
}
