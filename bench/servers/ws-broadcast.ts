// Baseline of the hub benchmark: a bare `ws` server broadcasting the hub's own frames (the SignalR JSON record of
// StockChanged) the way ws's README broadcasts, one send per client. Forked by bench/scenarios/hub-fan-out.ts.
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { controlBroadcasts } from './broadcast-control';

const port = Number(process.env.PORT);
const server = createServer((_req, res) => res.writeHead(404).end());
const sockets = new WebSocketServer({ server, perMessageDeflate: false });

server.listen(port, '127.0.0.1', () => {
  controlBroadcasts(
    {
      broadcast(message) {
        // The record exactly as the hub serialises it: once per send, not per client.
        const frame = Buffer.from(`${JSON.stringify({ type: 1, target: 'StockChanged', arguments: [message] })}\x1e`);
        for (const client of sockets.clients) {
          if (client.readyState === WebSocket.OPEN) client.send(frame, { binary: false });
        }
      },
    },
    String(process.env.BENCH_PRODUCT_ID),
  );
});
