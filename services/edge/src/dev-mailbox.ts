import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiRoutes, type ServiceManifest } from '@shop/kit';
import Joi from 'joi';
import type { Context } from 'koa';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { GatewayRoute } from './gateway';

/** One email the catcher took in. */
export interface CaughtMail {
  id: string;
  receivedAt: Date;
  from: string;
  to: string[];
  subject: string;
  messageId: string;
  text: string;
  html: string;
  /** The message as it came over SMTP (RFC 5322 source), for a client that reads it as a mail client would. */
  raw: string;
}

export interface DevMailbox {
  /** Where the notifications service sends: `smtp://<host>:<port>`. */
  smtpUrl: string;
  mails(): CaughtMail[];
  /** The mailbox page at /dev/mailbox, hosted by the edge like a service (which closes it at shutdown). */
  manifest: ServiceManifest;
  /** Stops the SMTP server (when the manifest is not hosted). */
  close(): Promise<void>;
}

const keptMails = 200;

/**
 * For `npm start` without SMTP_URL (development only): an SMTP server in the process that keeps the last emails
 * in memory, and a page that shows them at GET /dev/mailbox, so a developer reads what the platform sends.
 * It listens on 127.0.0.1 unless `host` says otherwise (the compose gateway: the notifications container sends to it).
 */
export async function startDevMailbox(options: { host?: string; port?: number } = {}): Promise<DevMailbox> {
  const host = options.host ?? '127.0.0.1';
  const caught: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // At shutdown a sender's idle pooled connection would hold close() for smtp-server's default 30 s.
    closeTimeout: 250,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            caught.unshift({
              id: randomUUID(),
              receivedAt: new Date(),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((recipient) => recipient.address),
              subject: parsed.subject ?? '',
              messageId: parsed.messageId ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              raw,
            });
            caught.length = Math.min(caught.length, keptMails);
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    smtpUrl: `smtp://${host}:${port}`,
    mails: () => [...caught],
    manifest: mailboxManifest(() => caught, close),
    close,
  };
}

interface MailboxAnswer {
  status: number;
  type?: 'html' | 'json';
  body?: string;
  headers?: Record<string, string>;
}

const mailPath = /^\/dev\/mailbox\/([0-9a-f-]{36})$/i;

/**
 * GET /dev/mailbox: the page, or `{items: [CaughtMail]}` for a client that accepts JSON only (a script);
 * GET /dev/mailbox/:id: that email's HTML part, under a policy that keeps it from running anything.
 */
function answerMailbox(mails: CaughtMail[], path: string, wantsJson: boolean): MailboxAnswer {
  if (path === '/dev/mailbox' || path === '/dev/mailbox/') {
    return wantsJson
      ? { status: 200, type: 'json', body: JSON.stringify({ items: mails }) }
      : { status: 200, type: 'html', body: mailboxPage(mails) };
  }
  const id = mailPath.exec(path)?.[1];
  const mail = id ? mails.find((candidate) => candidate.id === id) : undefined;
  if (!mail) return { status: 404 };
  return {
    status: 200,
    type: 'html',
    body: mail.html || `<pre>${escapeHtml(mail.text)}</pre>`,
    headers: { 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:" },
  };
}

const acceptsJsonOnly = (accept: string | undefined) => /^application\/json\b/.test(accept ?? '');

/** The mailbox's two routes, answered from `mails()`; their OpenAPI document too (mailboxDocument). */
function mailboxApi(mails: () => CaughtMail[]): ApiRoutes {
  const api = new ApiRoutes();
  const respond = (ctx: Context) => {
    const answer = answerMailbox(mails(), ctx.path, acceptsJsonOnly(ctx.get('accept')));
    ctx.status = answer.status;
    if (answer.headers) ctx.set(answer.headers);
    if (answer.type) ctx.type = answer.type;
    if (answer.body !== undefined) ctx.body = answer.body;
  };
  const page = { description: 'The page, or {items} as JSON (each with its source as `raw`)' };
  api.get(
    '/dev/mailbox',
    { summary: 'The emails caught in development, newest first', access: 'anyone', responses: { 200: page } },
    async (ctx) => respond(ctx),
  );
  api.get(
    '/dev/mailbox/:id',
    {
      summary: "One caught email's HTML part",
      access: 'anyone',
      request: { params: Joi.object({ id: Joi.string().guid().required() }) },
      responses: { 200: { description: 'The HTML part' }, 404: { description: 'Not caught (or gone)' } },
    },
    async (ctx) => respond(ctx),
  );
  return api;
}

const mailboxDocument = (api: ApiRoutes) =>
  api.openApi({ title: 'dev-mailbox', version: '1', description: 'The emails caught in development.' });

function mailboxManifest(mails: () => CaughtMail[], close: () => Promise<void>): ServiceManifest {
  return {
    name: 'dev-mailbox',
    publicPaths: ['/dev/mailbox'],
    async setup() {
      const api = mailboxApi(mails);
      return { router: api.router, openApi: mailboxDocument(api), close };
    },
  };
}

/** The gateway's route to a mailbox served on a port of its own (serveDevMailbox). */
export function devMailboxRoute(served: { url: string }): GatewayRoute {
  return { service: 'dev-mailbox', target: served.url, prefixes: ['/dev/mailbox'], streamingPaths: [] };
}

/**
 * The mailbox on a port of its own, for `npm run start:dapr` and the gateway process (compose): the gateway routes
 * /dev/mailbox to it (devMailboxRoute), as the embedded edge hosts the manifest.
 */
export async function serveDevMailbox(
  mailbox: DevMailbox,
): Promise<{ url: string; smtpUrl: string; close(): Promise<void> }> {
  // The gateway's /docs lists every route's OpenAPI document, this one's too.
  const document = JSON.stringify(mailboxDocument(mailboxApi(mailbox.mails)));
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://mailbox').pathname;
    if (path === '/openapi/dev-mailbox.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(document);
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      // The gateway's readiness asks every route's target.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok' }));
      return;
    }
    const answer =
      req.method === 'GET' || req.method === 'HEAD'
        ? answerMailbox(mailbox.mails(), path, acceptsJsonOnly(req.headers.accept))
        : { status: 405 };
    const type = answer.type === 'json' ? 'application/json' : 'text/html; charset=utf-8';
    res.writeHead(answer.status, { ...(answer.body !== undefined ? { 'content-type': type } : {}), ...answer.headers });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    smtpUrl: mailbox.smtpUrl,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mailbox.close();
    },
  };
}

function mailboxPage(mails: CaughtMail[]): string {
  const rows = mails
    .map(
      (mail) => `<article>
<h2><a href="/dev/mailbox/${mail.id}">${escapeHtml(mail.subject)}</a></h2>
<p><small>${escapeHtml(mail.receivedAt.toISOString())} · from ${escapeHtml(mail.from)} · to ${escapeHtml(mail.to.join(', '))} · ${escapeHtml(mail.messageId)}</small></p>
<pre>${escapeHtml(mail.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dev mailbox</title>
<style>body{font-family:sans-serif;max-width:50em;margin:auto;padding:1em}article{border-bottom:1px solid #ddd}pre{white-space:pre-wrap}</style>
</head><body><h1>Dev mailbox</h1>
<p>The last ${keptMails} emails the platform sent, newest first (development only; not kept across restarts).</p>
${rows || '<p>No email yet.</p>'}
</body></html>`;
}

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] as string,
  );
}
