// Comparison of the hub benchmark: socket.io (WebSocket transport only, no compression, its defaults otherwise)
// emitting the same StockChanged payload to every socket. Forked by bench/scenarios/hub-fan-out.ts.
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { controlBroadcasts } from './broadcast-control';

const port = Number(process.env.PORT);
const server = createServer();
const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });

server.listen(port, '127.0.0.1', () => {
  controlBroadcasts(
    { broadcast: (message) => void io.emit('StockChanged', message) },
    String(process.env.BENCH_PRODUCT_ID),
  );
});
