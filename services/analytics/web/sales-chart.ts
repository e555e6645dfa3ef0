// The sales chart: orders per day as bars, revenue per currency as lines on a second axis. Chart.js is bundled
// into the dashboard's script (tree-shaken to the parts registered here), never loaded from a CDN.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import type { SalesPoint } from './api';
import { formatCount, formatMoney, majorUnits } from './format';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
);

const currencyColours = ['#b4235a', '#1f7a4d', '#8a5a00', '#5b3fb8'];

export class SalesChart {
  private chart: Chart | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  show(points: SalesPoint[]): void {
    const labels = points.map((p) => new Date(p.at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' }));
    const currencies = [...new Set(points.flatMap((p) => p.revenue.map((m) => m.currency)))].sort();
    const datasets = [
      {
        type: 'bar' as const,
        label: 'Orders',
        data: points.map((p) => p.orders),
        backgroundColor: '#3a6ea5',
        yAxisID: 'orders',
      },
      ...currencies.map((currency, index) => ({
        type: 'line' as const,
        label: `Revenue (${currency})`,
        data: points.map((p) => majorUnits(p.revenue.find((m) => m.currency === currency) ?? { amount: 0, currency })),
        borderColor: currencyColours[index % currencyColours.length],
        backgroundColor: currencyColours[index % currencyColours.length],
        yAxisID: 'revenue',
        tension: 0.25,
      })),
    ];
    this.canvas.setAttribute('aria-label', describe(points, currencies));
    if (this.chart) {
      this.chart.data.labels = labels;
      this.chart.data.datasets = datasets;
      this.chart.update();
      return;
    }
    this.chart = new Chart(this.canvas, {
      data: { labels, datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          orders: { type: 'linear', position: 'left', beginAtZero: true, ticks: { precision: 0 } },
          revenue: { type: 'linear', position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } },
        },
      },
    });
  }
}

/** What the chart shows, for screen readers: the canvas itself says nothing to them. */
function describe(points: SalesPoint[], currencies: string[]): string {
  const orders = points.reduce((sum, p) => sum + p.orders, 0);
  const revenue = currencies.map((currency) =>
    formatMoney({
      currency,
      amount: points.reduce((sum, p) => sum + (p.revenue.find((m) => m.currency === currency)?.amount ?? 0), 0),
    }),
  );
  return `Sales over ${points.length} days: ${formatCount(orders)} orders${revenue.length ? `, revenue ${revenue.join(', ')}` : ''}.`;
}
