// `npm start`: the whole platform in one process on PORT (default 8080), SQLite under ./.data, the storefront at /.
import { runEmbedded, runMain } from '@shop/kit';
import { startDevMailbox } from './dev-mailbox';
import { services } from './services';
import { storefrontPages } from './storefront/storefront-router';

runMain(async () => {
  // Without an SMTP server of their own, developers read the emails at /dev/mailbox (never in production).
  const mailbox = !process.env.SMTP_URL && process.env.NODE_ENV !== 'production' ? await startDevMailbox() : undefined;
  return runEmbedded(mailbox ? [...services, mailbox.manifest] : services, {
    handleSignals: true,
    pages: [await storefrontPages()],
    ...(mailbox ? { env: { ...process.env, SMTP_URL: mailbox.smtpUrl } } : {}),
  });
});
