export { allowOrigin, answerPreflight } from './cors';
export { BodyTooLargeError, bearerToken, noCache, readRawBody, refuse } from './http-answers';
export { HttpExchange } from './http-exchange';
export * from './hub-clients';
export * from './hub-definition';
export {
  type Authenticate,
  ForbiddenError,
  HubEndpoint,
  type HubEndpointOptions,
  rejectUpgrade,
  UnauthorizedError,
  UnavailableError,
} from './hub-endpoint';
export * from './hub-lifetime-manager';
export type { HubLog } from './hub-log';
export { type HubMetrics, HubStats, type TransportKind, transportKinds } from './hub-metrics';
export { HubServer, type HubServerSettings } from './hub-server';
export { defaultHubServerOptions, type HubServerOptions } from './hub-server-options';
export { LocalHubLifetimeManager, type LocalHubLifetimeOptions } from './local-hub-lifetime-manager';
export { PreparedMessage } from './prepared-message';
export { BinaryRecordReader, lengthPrefix } from './protocol/binary-records';
export * from './protocol/hub-messages';
export type { HubProtocol, TransferFormat } from './protocol/hub-protocol';
export { jsonHubProtocol } from './protocol/json-hub-protocol';
export { messagePackHubProtocol } from './protocol/messagepack-hub-protocol';
export { ProtocolError } from './protocol/protocol-error';
export { TextRecordReader } from './protocol/text-records';
export * from './user-group-store';
