// The notification benchmark's SMTP server (a forked child, so it does not share the event loop with the
// senders measured): accepts every message, reads it to the end, and counts them. Commands: `count`.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { answerCommands } from './ipc-commands';

let accepted = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  // More than any sender's pool opens.
  maxClients: 64,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      accepted += 1;
      callback();
    });
  },
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.server.address() as AddressInfo;
  answerCommands({
    url: () => `smtp://127.0.0.1:${port}`,
    count: () => accepted,
  });
});
