import { createTransport, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { EmailSender, SendFailure } from '../application/ports';

export interface SmtpOptions {
  /** `smtp://user:pass@host:port` (`smtps://` for TLS from the start). */
  url: string;
  /** The `From:` of every email, e.g. `Shop <no-reply@shop.local>`. */
  from: string;
  /** Connections kept open to the server: the sender's concurrency. */
  maxConnections: number;
  /** How long a connection, the server's greeting or a quiet socket may take before the attempt fails. */
  timeoutMs: number;
}

/**
 * Sends email through an SMTP server with nodemailer, over a small pool of connections. A send resolves once
 * the server accepted the message and rejects otherwise (refused, unreachable, timed out): the sender job then
 * schedules a retry.
 */
export class SmtpEmailSender implements EmailSender {
  private readonly transporter: Transporter;

  constructor(private readonly options: SmtpOptions) {
    // The URL's own settings win over these (nodemailer merges a configuration object under its `url`).
    const settings: SMTPPool.Options & { url: string } = {
      url: options.url,
      pool: true,
      maxConnections: options.maxConnections,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
    };
    this.transporter = createTransport(settings);
  }

  async send(mail: { messageId: string; to: string; subject: string; text: string; html: string }): Promise<void> {
    try {
      await this.transporter.sendMail({
        from: this.options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      });
    } catch (error) {
      throw smtpFailure(error);
    }
  }

  close(): void {
    this.transporter.close();
  }
}

/**
 * The server's answer as a SendFailure: a permanent refusal of the recipient or the message (RFC 5321 550–554:
 * no such mailbox, not allowed, too big, rejected) fails the same way every time; anything else (4xx, a
 * connection that failed or timed out, a refused login an operator may fix) is worth another attempt.
 */
export function smtpFailure(error: unknown): Error & SendFailure {
  const failure = error instanceof Error ? error : new Error(String(error));
  const code = (failure as { responseCode?: unknown }).responseCode;
  const permanent = typeof code === 'number' && code >= 550 && code <= 554;
  return Object.assign(failure, { retryable: !permanent });
}

/** The domain of an address like `Shop <no-reply@shop.local>`, for the Message-IDs of its emails. */
export function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.split('@')[1]?.trim() || 'shop.local';
}
