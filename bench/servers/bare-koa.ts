// The baseline: a bare Koa app with one JSON route, nothing else; what our host's overhead is measured against.
import Koa from 'koa';

const app = new Koa();
const body = JSON.stringify({ status: 'ok' });
app.use((ctx) => {
  if (ctx.path === '/healthz') {
    ctx.type = 'application/json';
    ctx.body = body;
  }
});
app.listen(Number(process.env.PORT), '127.0.0.1');
