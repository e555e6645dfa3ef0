import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The SMTP server the e2e set-up starts beside each topology it runs (the platform's SMTP_URL): it takes every
 * message the platform sends and stores it, as received, in a directory the test files read. The set-up runs in
 * jest's parent process and the tests in its workers, so the directory is what they share; a message is renamed
 * into place once written whole, so a reader never sees half of one.
 */

/** One message as the catcher stored it: the SMTP envelope and the message's bytes as they came. */
interface StoredMail {
  envelope: { from: string; to: string[] };
  raw: string;
}

export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`, for the platform. */
  smtpUrl: string;
  /** Where each message lands, one JSON file each, named so that their order is the order they arrived in. */
  dir: string;
  close(): Promise<void>;
}

export async function startMailCatcher(dir: string): Promise<MailCatcher> {
  mkdirSync(dir, { recursive: true });
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const mail: StoredMail = {
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
          },
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        const name = `${String(++received).padStart(8, '0')}.json`;
        writeFileSync(join(dir, `${name}.partial`), JSON.stringify(mail));
        renameSync(join(dir, `${name}.partial`), join(dir, name));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    smtpUrl: `smtp://127.0.0.1:${port}`,
    dir,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A message the platform sent: its envelope and the message as a mail client reads it. */
export interface CaughtMail {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
}

/** Every message the catcher stored, in the order they arrived. */
function storedIn(dir: string): StoredMail[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as StoredMail);
}

/**
 * Every message the compose topology's dev mailbox holds (the gateway catches its email: docker-compose.yml), in the
 * order they arrived, as its JSON answer gives them: envelope and source as they came over SMTP.
 */
async function storedAt(mailboxUrl: string): Promise<StoredMail[]> {
  const res = await fetch(mailboxUrl, { headers: { accept: 'application/json' } });
  if (res.status !== 200) throw new Error(`${mailboxUrl} answered ${res.status}: ${await res.text()}`);
  const { items } = (await res.json()) as { items: Array<{ from: string; to: string[]; raw: string }> };
  // Newest first there.
  return items.reverse().map((item) => ({ envelope: { from: item.from, to: item.to }, raw: item.raw }));
}

/** The messages sent to `address` so far, in the order they arrived (only those are parsed). */
export async function mailsTo(address: string): Promise<CaughtMail[]> {
  const dir = process.env.E2E_MAIL_DIR;
  const mailboxUrl = process.env.E2E_MAILBOX_URL;
  if (!dir && !mailboxUrl) {
    throw new Error(
      'neither E2E_MAIL_DIR nor E2E_MAILBOX_URL is set: the emails are read from the SMTP server the e2e set-up ' +
        'starts with its topology, or the compose topology dev mailbox (a topology given by E2E_<KIND>_URL sends ' +
        'its email elsewhere)',
    );
  }
  const stored = (dir ? storedIn(dir) : await storedAt(mailboxUrl as string)).filter((mail) =>
    mail.envelope.to.includes(address),
  );
  return Promise.all(stored.map(async (mail) => ({ envelope: mail.envelope, parsed: await simpleParser(mail.raw) })));
}
