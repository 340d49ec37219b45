/**
 * A bar chart (chart.js, stacked unless told otherwise), loaded on demand: only the oversight page downloads chart.js, in its own chunk,
 * and only the parts a bar chart needs are registered. The canvas is an image labelled with what it shows; the
 * figures are also in the page's table (the text alternative).
 */
import { useEffect, useRef } from "react";

export interface Series {
  label: string;
  values: number[];
  color: string;
}

export interface ChartAxes {
  /** stacked bars (the default), or grouped side by side */
  stacked?: boolean;
  /** the value axis' top (e.g. 100 for percentages) */
  yMax?: number;
  xTitle?: string;
  yTitle?: string;
  /** the legend (the default), or none for a single series */
  legend?: boolean;
}

export function OversightChart({ id, title, labels, series, axes = {} }: { id: string; title: string; labels: string[]; series: Series[]; axes?: ChartAxes }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const key = JSON.stringify({ labels, series, axes });
  useEffect(() => {
    let destroyed = false;
    let chart: { destroy(): void } | null = null;
    void import("./bars").then(({ Chart }) => {
      if (destroyed || !canvas.current) return;
      chart = new Chart(canvas.current, {
        type: "bar",
        data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color })) },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { title: { display: true, text: title }, legend: { display: axes.legend ?? true, position: "bottom" } },
          scales: {
            x: { stacked: axes.stacked ?? true, title: { display: axes.xTitle !== undefined, text: axes.xTitle ?? "" } },
            y: { stacked: axes.stacked ?? true, beginAtZero: true, max: axes.yMax, ticks: { precision: 0 }, title: { display: axes.yTitle !== undefined, text: axes.yTitle ?? "" } },
          },
        },
      });
      canvas.current.dataset.ready = "true";
    });
    return () => {
      destroyed = true;
      chart?.destroy();
    };
    // the key stands for labels and series (new arrays each render, same figures)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, title]);
  return (
    <div className="oversight-chart">
      <canvas ref={canvas} id={id} role="img" aria-label={title} />
    </div>
  );
}
