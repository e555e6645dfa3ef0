// The storefront (served at / by the edge and the gateway): browse, search, product pages with live stock, a cart,
// checkout, orders followed live and in-app notifications, on the platform's public API.
import { render } from 'preact';
import { App } from './app';

const root = document.getElementById('app');
if (!root) throw new Error('the page lacks #app');
render(<App />, root);
