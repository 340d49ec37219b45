/** A QR code as a PNG image (qrcode is loaded on first use, outside the verifier's first download). */
import { useEffect, useState } from "react";

export function QrImage({ text, alt, size = 220, className }: { text: string; alt: string; size?: number; className?: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    import("qrcode")
      .then((QR) => QR.toDataURL(text, { errorCorrectionLevel: "M", margin: 4, width: size, color: { dark: "#000000", light: "#ffffff" } }))
      .then((url) => live && setSrc(url))
      .catch(() => live && setSrc(null));
    return () => {
      live = false;
    };
  }, [text, size]);
  return src ? <img className={className ?? "qr"} src={src} width={size} height={size} alt={alt} data-qr-text={text} /> : <div className="qr placeholder" style={{ width: size, height: size }} aria-hidden="true" />;
}
