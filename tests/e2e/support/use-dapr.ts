// Points the black-box suite at the dapr topology started by the global set-up.
process.env.E2E_BASE_URL = process.env.E2E_DAPR_URL ?? process.env.E2E_DAPR_STARTED_URL;
