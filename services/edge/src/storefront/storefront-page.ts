/** The storefront's page, at the origin's root; its views live in the URL's fragment (`/#/product/<id>`). */
export const storefrontPath = '/';
/** Its script and style, under a prefix no service owns. */
export const storefrontAssetsPath = '/storefront';
export const storefrontScriptPath = `${storefrontAssetsPath}/storefront.js`;
export const storefrontStylePath = `${storefrontAssetsPath}/storefront.css`;

/** The page: the app renders into #app; without scripts it says why nothing shows. */
export const storefrontHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop</title>
<meta name="description" content="Browse, search, add to the cart and check out, with stock and order status live.">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${storefrontStylePath}">
<script defer src="${storefrontScriptPath}"></script>
</head>
<body>
<div id="app"></div>
<noscript><p>The shop needs JavaScript to run. Its API is documented at <a href="/docs">/docs</a>.</p></noscript>
</body>
</html>
`;
