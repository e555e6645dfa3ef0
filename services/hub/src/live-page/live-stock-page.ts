import { inlineSourceHash, pageSecurityHeaders } from '@shop/kit';

/** Where the page is served; a `?productId=` names the product to watch. */
export const livePagePath = '/hubs/inventory/live';
/** The browser build of the stock `@microsoft/signalr` client, served beside the page. */
export const clientLibraryPath = `${livePagePath}/signalr.min.js`;

const style = `
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
  main { max-width: 32rem; margin: 3rem auto; padding: 0 1rem; }
  form { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
  input { flex: 1; min-width: 18rem; padding: .4rem; font: inherit; }
  button { padding: .4rem 1rem; font: inherit; }
  #stock { margin-top: 1.5rem; padding: 1rem 1.25rem; background: #fff; border-radius: .5rem; }
  #available { font-size: 3rem; font-weight: 700; }
  dl { display: grid; grid-template-columns: max-content auto; gap: .25rem 1rem; margin: .5rem 0 0; }
  dd { margin: 0; }
  #status[data-state="live"] { color: #146c2e; }
  #status[data-state="error"], #status[data-state="disconnected"] { color: #a4161a; }
`;

// Browser code, kept to what every current browser runs without a build step. It reads the product from the
// query, subscribes through the inventory hub, and writes only text (never HTML) into the page.
const script = `
(() => {
  'use strict';
  const element = (id) => document.getElementById(id);
  const status = element('status');
  const show = (state, text) => {
    status.dataset.state = state;
    status.textContent = text;
  };
  const productId = (new URLSearchParams(location.search).get('productId') || '').trim();
  if (!productId) return;
  element('productId').value = productId;
  element('product').textContent = productId;

  // The hub's refusals read "An unexpected error occurred invoking ... HubException: <reason>"; show the reason.
  const reasonOf = (error) => String((error && error.message) || error).replace(/^.*HubException: /, '');

  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/inventory')
    .withAutomaticReconnect()
    .configureLogging(signalR.LogLevel.None)
    .build();

  connection.on('StockChanged', (levels) => {
    if (!levels || String(levels.productId).toLowerCase() !== productId.toLowerCase()) return;
    element('available').textContent = String(levels.available);
    element('onHand').textContent = String(levels.onHand);
    element('reserved').textContent = String(levels.reserved);
    const at = new Date(levels.at);
    const updated = element('updatedAt');
    updated.dateTime = levels.at;
    updated.textContent = isNaN(at.getTime()) ? String(levels.at) : at.toLocaleString();
    element('stock').hidden = false;
  });

  // The hub answers a subscription with the current stock, so subscribing again after a reconnect also repairs
  // whatever changed while the page was away.
  const subscribe = () =>
    connection.invoke('SubscribeProduct', productId).then(
      () => show('live', 'Live: changes appear as they happen.'),
      (error) => show('error', reasonOf(error)),
    );
  connection.onreconnecting(() => show('reconnecting', 'Reconnecting…'));
  connection.onreconnected(subscribe);
  connection.onclose(() => show('disconnected', 'Disconnected. Reload the page to watch again.'));

  show('connecting', 'Connecting…');
  connection.start().then(subscribe, (error) => show('error', 'Could not connect: ' + reasonOf(error)));
})();
`;

/**
 * Inline code runs only by its hash, so nothing injected into the page could run; the page talks to its own
 * origin only.
 */
export const livePageSecurityHeaders = pageSecurityHeaders({
  script: ["'self'", inlineSourceHash(script)],
  style: [inlineSourceHash(style)],
});

/** A page that shows one product's stock and follows its changes live through the inventory hub. */
export const livePageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Live stock</title>
<link rel="icon" href="data:,">
<style>${style}</style>
</head>
<body>
<main>
  <h1>Live stock</h1>
  <form method="get">
    <label for="productId">Product id</label>
    <input id="productId" name="productId" autocomplete="off" placeholder="00000000-0000-0000-0000-000000000000">
    <button type="submit">Watch</button>
  </form>
  <section id="stock" hidden aria-live="polite">
    <p>Product <code id="product"></code></p>
    <p><span id="available">–</span> available</p>
    <dl>
      <dt>On hand</dt><dd id="onHand">–</dd>
      <dt>Reserved</dt><dd id="reserved">–</dd>
      <dt>Updated</dt><dd><time id="updatedAt">–</time></dd>
    </dl>
  </section>
  <p id="status" data-state="idle" role="status">Enter a product id to watch its stock.</p>
</main>
<script src="${clientLibraryPath}"></script>
<script>${script}</script>
</body>
</html>
`;
