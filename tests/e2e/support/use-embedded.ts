// Points the black-box suite at the embedded topology started by the global set-up.
process.env.E2E_BASE_URL = process.env.E2E_EMBEDDED_URL ?? process.env.E2E_EMBEDDED_STARTED_URL;
