// Points the black-box suite at the compose topology started by the global set-up.
process.env.E2E_BASE_URL = process.env.E2E_COMPOSE_URL ?? process.env.E2E_COMPOSE_STARTED_URL;
process.env.E2E_TOPOLOGY = 'compose';
// The emails the platform sends land in the gateway's dev mailbox (docker-compose.yml), read at /dev/mailbox.
delete process.env.E2E_MAIL_DIR;
process.env.E2E_MAILBOX_URL = `${process.env.E2E_BASE_URL}/dev/mailbox`;
// Each service's own address (its published app port), where in-cluster callers and Prometheus reach it.
if (process.env.E2E_COMPOSE_APP_URLS) process.env.E2E_APP_URLS = process.env.E2E_COMPOSE_APP_URLS;
else delete process.env.E2E_APP_URLS;
