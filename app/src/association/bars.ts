/**
 * The parts of chart.js a stacked bar chart needs, registered once. Imported only dynamically (OversightChart.tsx),
 * so chart.js lands in a chunk of its own that only the oversight page downloads, tree-shaken to these parts.
 */
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip, Title);

export { Chart };
