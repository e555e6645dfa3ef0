import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { ApiRoutes, type ServiceManifest } from '@shop/kit';
import Joi from 'joi';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

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
}

export interface DevMailbox {
  /** Where the notifications service sends: `smtp://127.0.0.1:<port>`. */
  smtpUrl: string;
  mails(): CaughtMail[];
  /** The mailbox page at /dev/mailbox, hosted by the edge like a service. */
  manifest: ServiceManifest;
}

const keptMails = 200;

/**
 * For `npm start` without SMTP_URL (development only): an SMTP server in the process that keeps the last emails
 * in memory, and a page that shows them at GET /dev/mailbox, so a developer reads what the platform sends.
 */
export async function startDevMailbox(options: { port?: number } = {}): Promise<DevMailbox> {
  const caught: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
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
          });
          caught.length = Math.min(caught.length, keptMails);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    mails: () => [...caught],
    manifest: mailboxManifest(() => caught, close),
  };
}

function mailboxManifest(mails: () => CaughtMail[], close: () => Promise<void>): ServiceManifest {
  return {
    name: 'dev-mailbox',
    publicPaths: ['/dev/mailbox'],
    async setup() {
      const api = new ApiRoutes();
      api.get(
        '/dev/mailbox',
        {
          summary: 'The emails caught in development, newest first',
          access: 'anyone',
          responses: { 200: { description: 'An HTML page' } },
        },
        async (ctx) => {
          ctx.type = 'html';
          ctx.body = mailboxPage(mails());
        },
      );
      api.get(
        '/dev/mailbox/:id',
        {
          summary: "One caught email's HTML part",
          access: 'anyone',
          request: { params: Joi.object({ id: Joi.string().guid().required() }) },
          responses: { 200: { description: 'The HTML part' }, 404: { description: 'Not caught (or gone)' } },
        },
        async (ctx) => {
          const mail = mails().find((candidate) => candidate.id === ctx.params.id);
          if (!mail) {
            ctx.status = 404;
            return;
          }
          // The email's own HTML, kept from running anything: no scripts, no requests out.
          ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
          ctx.type = 'html';
          ctx.body = mail.html || `<pre>${escapeHtml(mail.text)}</pre>`;
        },
      );
      return { router: api.router, close };
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
