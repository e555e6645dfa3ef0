/**
 * The hub's access key of `npm start` and the tests (CONTRACT.md, Local run defaults), known to the hub that checks
 * it and to the services that sign with it. Production has none: HUB_ACCESS_KEY is required there.
 */
export const developmentHubAccessKey = 'shop-development-hub-access-key-0123456789';
