/**
 * Reads a QR code from the camera (getUserMedia, the back camera on a phone) or from an uploaded picture, with
 * jsQR (loaded on first use). Calls onResult once with the decoded text.
 */
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: "dontInvert" | "onlyInvert" | "attemptBoth" | "invertFirst" }) => { data: string } | null;

async function loadJsQr(): Promise<JsQr> {
  const mod = (await import("jsqr")) as unknown as { default: JsQr };
  return mod.default;
}

/** the longest side a picture is decoded at first: jsQR is linear in pixels and phones take 12-megapixel photos */
const FIRST_SIDE = 1200;
/**
 * For an uploaded photo the first pass missed, the same picture again at other sizes around it: jsQR finds a dense
 * code (a printed disclosure is about version 35) at some scales and not at others (measured on screenshots of the
 * printed certificate: 0.8, 0.9 and 1.25 read what 1 did not). A camera's frames get one pass each.
 */
const VIDEO_SCALES = [1] as const;
const PHOTO_SCALES = [1, 0.9, 0.8, 1.25, 0.66, 1.5] as const;
const MAX_SIDE = 4096;

function decodeFrom(jsqr: JsQr, source: CanvasImageSource, width: number, height: number, canvas: HTMLCanvasElement, scales: readonly number[] = VIDEO_SCALES): string | null {
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) return null;
  const base = Math.min(1, FIRST_SIDE / Math.max(width, height));
  for (const f of scales) {
    const scale = Math.min(base * f, MAX_SIDE / Math.max(width, height));
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const text = jsqr(img.data, img.width, img.height, { inversionAttempts: "attemptBoth" })?.data;
    if (text) return text;
  }
  return null;
}

export function QrScanner({ onResult, idPrefix, uploadLabel }: { onResult: (text: string) => void; idPrefix: string; uploadLabel?: string }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const [scanning, setScanning] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const stream = useRef<MediaStream | null>(null);

  const stop = () => {
    stream.current?.getTracks().forEach((tr) => tr.stop());
    stream.current = null;
    setScanning(false);
  };
  useEffect(() => stop, []);

  const getCanvas = () => (canvas.current ??= document.createElement("canvas"));

  const startCamera = async () => {
    setProblem(null);
    if (!navigator.mediaDevices?.getUserMedia) {
      setProblem(t("verify.cameraUnsupported"));
      return;
    }
    try {
      const [jsqr, media] = await Promise.all([loadJsQr(), navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })]);
      stream.current = media;
      setScanning(true);
      const v = video.current;
      if (!v) return;
      v.srcObject = media;
      await v.play();
      const tick = () => {
        if (!stream.current) return;
        if (v.readyState >= 2 && v.videoWidth > 0) {
          const text = decodeFrom(jsqr, v, v.videoWidth, v.videoHeight, getCanvas());
          if (text) {
            stop();
            onResult(text);
            return;
          }
        }
        window.setTimeout(tick, 150);
      };
      tick();
    } catch (err) {
      stop();
      setProblem(t("verify.cameraDenied", { message: err instanceof Error ? err.message : String(err) }));
    }
  };

  const onFile = async (file: File | undefined) => {
    setProblem(null);
    if (!file) return;
    try {
      const [jsqr, bitmap] = await Promise.all([loadJsQr(), createImageBitmap(file)]);
      const text = decodeFrom(jsqr, bitmap, bitmap.width, bitmap.height, getCanvas(), PHOTO_SCALES);
      bitmap.close();
      if (text) onResult(text);
      else setProblem(t("verify.scanNoCode"));
    } catch {
      setProblem(t("verify.scanNoCode"));
    }
  };

  return (
    <div className="scanner">
      <div className="row wrap">
        {scanning ? (
          <button type="button" onClick={stop}>
            {t("verify.scanStop")}
          </button>
        ) : (
          <button type="button" onClick={() => void startCamera()}>
            {t("verify.scanCamera")}
          </button>
        )}
        <label className="button" htmlFor={`${idPrefix}-upload`}>
          {uploadLabel ?? t("verify.scanUpload")}
        </label>
        <input
          id={`${idPrefix}-upload`}
          className="visually-hidden"
          type="file"
          accept="image/*"
          onChange={(e) => {
            void onFile(e.currentTarget.files?.[0]);
            e.currentTarget.value = "";
          }}
        />
      </div>
      <video ref={video} className={scanning ? "camera" : "camera hidden"} playsInline muted aria-label={t("verify.scanning")} />
      {scanning ? <p role="status">{t("verify.scanning")}</p> : null}
      {problem ? (
        <p className="notice error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
