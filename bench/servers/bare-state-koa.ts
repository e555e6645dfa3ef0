// A baseline for the cart benchmark: a bare Koa app whose one PUT route does what a cart write does to the
// state store, and nothing else: read the entry, change one line, save it conditionally on the ETag read (the
// embedded mesh's state store, in process as in `npm start`). No auth, no validation, no catalog facts.
import { EmbeddedBus, EtagMismatchError } from '@shop/kit';
import Koa from 'koa';
import { benchCartWrite } from '../scenarios/cart-state-write';

const state = new EmbeddedBus().meshFor('bench-cart').state;
const app = new Koa();
app.use(async (ctx) => {
  const [, , cart, productId] = ctx.path.split('/');
  for (;;) {
    try {
      ctx.body = await benchCartWrite(state, cart ?? 'cart', productId ?? 'product');
      return;
    } catch (error) {
      if (!(error instanceof EtagMismatchError)) throw error;
    }
  }
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
// As the kit's servers keep an idle connection: Node's 5 s default closes the load generator's kept-alive sockets
// between turns, and a socket reused as the server closes it fails the request.
server.keepAliveTimeout = 65_000;
