// Writes the figures into the page. Only text and attributes are set (never HTML), so a product name cannot
// inject markup.
import type { Money, StockOutlook, Summary, TopProduct } from './api';
import { formatCount, formatDays, formatMoney } from './format';

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

const countTiles: Array<{ path: string; label: string; pick: (summary: Summary) => number }> = [
  { path: 'orders.placed', label: 'Orders placed', pick: (s) => s.orders.placed },
  { path: 'orders.held', label: 'Orders held for review', pick: (s) => s.orders.held },
  { path: 'orders.paid', label: 'Orders paid', pick: (s) => s.orders.paid },
  { path: 'orders.failed', label: 'Orders failed', pick: (s) => s.orders.failed },
  { path: 'orders.cancelled', label: 'Orders cancelled', pick: (s) => s.orders.cancelled },
  { path: 'customers.registered', label: 'Customers registered', pick: (s) => s.customers.registered },
];

function tile(path: string, label: string, shown: string, value: number, currency?: string): HTMLElement {
  const id = `metric-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  const section = element('section', { class: 'tile', 'aria-labelledby': `${id}-label` });
  section.append(element('h3', { id: `${id}-label` }, label));
  const figure = element('p', { class: 'figure', id, 'data-metric': path, 'data-value': String(value) }, shown);
  if (currency) figure.dataset.currency = currency;
  section.append(figure);
  return section;
}

function moneyTiles(path: string, label: string, amounts: Money[]): HTMLElement[] {
  if (amounts.length === 0) return [tile(path, label, '—', 0)];
  return [...amounts]
    .sort((a, b) => a.currency.localeCompare(b.currency))
    .map((money) =>
      tile(
        `${path}.${money.currency}`,
        `${label} (${money.currency})`,
        formatMoney(money),
        money.amount,
        money.currency,
      ),
    );
}

/**
 * The tiles: each summary figure in an element whose `data-metric` is its path in the summary (`orders.paid`); money
 * per currency as `revenue.EUR` and `averageOrderValue.EUR`, `data-value` holding the exact amount in minor units.
 */
export function renderSummary(container: HTMLElement, summary: Summary): void {
  const tiles = [
    ...countTiles.map(({ path, label, pick }) => tile(path, label, formatCount(pick(summary)), pick(summary))),
    ...moneyTiles('revenue', 'Revenue', summary.revenue),
    ...moneyTiles('averageOrderValue', 'Average order value', summary.averageOrderValue),
  ];
  container.replaceChildren(...tiles);
  container.setAttribute('aria-busy', 'false');
}

function row(cells: string[], header = false): HTMLTableRowElement {
  const tr = element('tr');
  cells.forEach((text, index) => {
    const cell = header ? element('th', { scope: 'col' }, text) : element(index === 0 ? 'th' : 'td', {}, text);
    if (!header && index === 0) cell.setAttribute('scope', 'row');
    tr.append(cell);
  });
  return tr;
}

function fillTable(table: HTMLTableElement, rows: HTMLTableRowElement[], empty: string, columns: number): void {
  const body = table.tBodies[0] ?? table.createTBody();
  if (rows.length === 0) {
    const tr = element('tr');
    tr.append(element('td', { colspan: String(columns), class: 'empty' }, empty));
    body.replaceChildren(tr);
    return;
  }
  body.replaceChildren(...rows);
}

export function renderTopProducts(table: HTMLTableElement, products: TopProduct[]): void {
  const rows = products.map((p) => {
    const tr = row([p.name, formatCount(p.quantity), formatMoney(p.revenue)]);
    tr.dataset.productId = p.productId;
    return tr;
  });
  fillTable(table, rows, 'Nothing sold in these 30 days.', 3);
}

export function renderStockOutlook(table: HTMLTableElement, outlook: StockOutlook[]): void {
  const rows = outlook.map((item) => {
    const tr = row([
      item.name,
      formatCount(item.available),
      new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(item.dailyDemand),
      formatDays(item.daysToStockOut),
    ]);
    tr.dataset.productId = item.productId;
    if (item.daysToStockOut !== null && item.daysToStockOut < 7) tr.classList.add('soon');
    return tr;
  });
  fillTable(table, rows, 'No products in stock yet.', 4);
}
