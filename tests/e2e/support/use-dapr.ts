// Points the black-box suite at the dapr topology started by the global set-up.
process.env.E2E_BASE_URL = process.env.E2E_DAPR_URL ?? process.env.E2E_DAPR_STARTED_URL;
process.env.E2E_TOPOLOGY = 'dapr';
// Where the emails the platform sends land (the SMTP server the set-up started with the topology).
// A worker runs the files of both topologies: what the other one set must not stay (and process.env would turn
// undefined into the string "undefined").
if (process.env.E2E_DAPR_MAIL_DIR) process.env.E2E_MAIL_DIR = process.env.E2E_DAPR_MAIL_DIR;
else delete process.env.E2E_MAIL_DIR;
// What the compose topology's set-up file sets, should a worker have run its files before.
delete process.env.E2E_MAILBOX_URL;
delete process.env.E2E_APP_URLS;
