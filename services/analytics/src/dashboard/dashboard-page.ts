/** Where the dashboard is served, under the analytics service's public paths. */
export const dashboardPath = '/admin';
export const dashboardScriptPath = `${dashboardPath}/dashboard.js`;
export const dashboardStylePath = `${dashboardPath}/dashboard.css`;

/** The page: a sign-in form, then the tiles, the sales chart, the top products and the stock outlook. */
export const dashboardHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop analytics</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${dashboardStylePath}">
<script defer src="${dashboardScriptPath}"></script>
</head>
<body>
<header>
  <h1>Shop analytics</h1>
</header>
<main>
  <section id="sign-in" aria-labelledby="sign-in-title">
    <h2 id="sign-in-title">Sign in</h2>
    <p>The dashboard is for administrators.</p>
    <form id="sign-in-form" method="post" novalidate>
      <label for="email">Email</label>
      <input id="email" name="email" type="email" autocomplete="username" required>
      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <button type="submit">Sign in</button>
      <p id="sign-in-message" role="alert" aria-live="assertive"></p>
    </form>
  </section>
  <div id="dashboard" hidden>
    <div class="toolbar">
      <h2 id="dashboard-title" tabindex="-1">The last 30 days</h2>
      <p id="live-status" role="status" aria-live="polite" data-state="connecting">Connecting to live updates…</p>
      <button id="sign-out" type="button">Sign out</button>
    </div>
    <section aria-labelledby="tiles-title">
      <h2 id="tiles-title" class="visually-hidden">Key figures</h2>
      <div id="tiles" aria-live="polite" aria-busy="true"></div>
    </section>
    <div class="panels">
      <section class="panel wide" aria-labelledby="sales-title">
        <h2 id="sales-title">Sales per day</h2>
        <div class="chart"><canvas id="sales-chart" role="img" aria-label="Sales per day"></canvas></div>
      </section>
      <section class="panel" aria-labelledby="top-title">
        <h2 id="top-title">Top products</h2>
        <div class="table-scroll">
          <table id="top-products">
            <caption>Most sold first</caption>
            <thead><tr><th scope="col">Product</th><th scope="col">Units</th><th scope="col">Revenue</th></tr></thead>
            <tbody></tbody>
          </table>
        </div>
      </section>
      <section class="panel" aria-labelledby="stock-title">
        <h2 id="stock-title">Stock outlook</h2>
        <div class="table-scroll">
          <table id="stock-outlook">
            <caption>Soonest stock-out first</caption>
            <thead><tr><th scope="col">Product</th><th scope="col">Available</th><th scope="col">Sold a day</th><th scope="col">Runs out in</th></tr></thead>
            <tbody></tbody>
          </table>
        </div>
      </section>
    </div>
  </div>
</main>
</body>
</html>
`;
