// The baseline: a bare Koa app with one JSON route and nothing else; what our host's overhead is measured
// against. BENCH_JSON sets the body, so a route can be compared with the same bytes on the wire.
import Koa from 'koa';

const app = new Koa();
const body = process.env.BENCH_JSON ?? JSON.stringify({ status: 'ok' });
app.use((ctx) => {
  ctx.type = 'application/json';
  ctx.body = body;
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
// As the kit's servers keep an idle connection (Node's 5 s default closes the load generator's sockets between turns).
server.keepAliveTimeout = 65_000;
