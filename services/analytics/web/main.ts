// The admin dashboard (served at /admin by the analytics service): sign in, read the figures, follow them live.
import { ApiError, type Figures, loadFigures } from './api';
import { followMetrics, type LiveFeed, type LiveState } from './live';
import { renderStockOutlook, renderSummary, renderTopProducts } from './render';
import { SalesChart } from './sales-chart';
import { AdminSession, NotAnAdminError } from './session';

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page lacks #${id}`);
  return found as T;
}

const signInSection = byId<HTMLElement>('sign-in');
const form = byId<HTMLFormElement>('sign-in-form');
const formMessage = byId<HTMLElement>('sign-in-message');
const dashboard = byId<HTMLElement>('dashboard');
const tiles = byId<HTMLElement>('tiles');
const liveStatus = byId<HTMLElement>('live-status');
const salesChart = new SalesChart(byId<HTMLCanvasElement>('sales-chart'));
const topProducts = byId<HTMLTableElement>('top-products');
const stockOutlook = byId<HTMLTableElement>('stock-outlook');

const liveText: Record<LiveState, string> = {
  connecting: 'Connecting to live updates…',
  live: 'Live: figures update as orders happen.',
  reconnecting: 'Reconnecting…',
  disconnected: 'Live updates stopped. Reload the page to resume.',
};

let feed: LiveFeed | undefined;
const session = new AdminSession((reason) => void showSignIn(reason));

function say(target: HTMLElement, state: string, text: string): void {
  target.dataset.state = state;
  target.textContent = text;
}

function showFigures(figures: Figures): void {
  renderSummary(tiles, figures.summary);
  salesChart.show(figures.sales);
  renderTopProducts(topProducts, figures.topProducts);
  renderStockOutlook(stockOutlook, figures.stockOutlook);
}

/** The other panels follow a change too, read again at most once a second however often the summary arrives. */
let refreshQueued = false;
function refreshPanels(): void {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(async () => {
    refreshQueued = false;
    try {
      const figures = await loadFigures(session.accessToken);
      salesChart.show(figures.sales);
      renderTopProducts(topProducts, figures.topProducts);
      renderStockOutlook(stockOutlook, figures.stockOutlook);
    } catch {
      // The next change tries again; the tiles are already current.
    }
  }, 1000);
}

/** After the live connection was away: every figure again, the changes it missed included. */
async function reloadFigures(): Promise<void> {
  try {
    showFigures(await loadFigures(session.accessToken));
  } catch {
    // The next change reads the panels again.
  }
}

async function showSignIn(message?: string): Promise<void> {
  await feed?.stop().catch(() => undefined);
  feed = undefined;
  dashboard.hidden = true;
  signInSection.hidden = false;
  if (message) say(formMessage, 'error', message);
}

async function open(): Promise<void> {
  showFigures(await loadFigures(session.accessToken));
  signInSection.hidden = true;
  dashboard.hidden = false;
  byId<HTMLElement>('dashboard-title').focus();
  feed = await followMetrics(
    () => session.accessToken,
    (summary) => {
      renderSummary(tiles, summary);
      refreshPanels();
    },
    (state) => say(liveStatus, state, liveText[state]),
    () => void reloadFigures(),
  ).catch((error: Error) => {
    say(liveStatus, 'error', `Live updates unavailable: ${error.message}`);
    return undefined;
  });
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const button = form.querySelector('button');
  if (button) button.disabled = true;
  say(formMessage, 'busy', 'Signing in…');
  try {
    await session.signIn(String(data.get('email') ?? ''), String(data.get('password') ?? ''));
    say(formMessage, 'done', '');
    form.reset();
    await open();
  } catch (error) {
    const text =
      error instanceof NotAnAdminError || error instanceof ApiError
        ? error.message
        : `Could not sign in: ${(error as Error).message}`;
    say(formMessage, 'error', text);
  } finally {
    if (button) button.disabled = false;
  }
});

byId<HTMLButtonElement>('sign-out').addEventListener('click', async () => {
  await session.signOut();
  await showSignIn();
  say(formMessage, 'done', 'Signed out.');
});
