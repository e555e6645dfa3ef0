// First: the tracing instrumentations must be registered before the modules they patch load (see the file).
import './tracing/instrument';

export { developmentHubAccessKey } from './config/development-defaults';
export { assertConfiguration, ConfigError, hostConfigSchema, loadConfig } from './config/load-config';
export * from './data';
export {
  type EventContext,
  type EventSubscription,
  type HandlerAnswer,
  type InboxEventContext,
  subscribe,
} from './events/event-subscription';
export { consumerName, type IntakeOptions, inboxIntake, statelessIntake } from './events/intake';
export { type HandlerContext, handlerContext } from './handler/handler-context';
export { daprApiTokenHeader, requireAppApiToken } from './host/app-api-token';
export { deadLetterAdminPath, routedPaths } from './host/dead-letter-admin';
export { deadLettersStoredMetric, deadLettersTotalMetric } from './host/dead-letters';
export * from './host/host-config';
export { createHttpApp, type HttpAppOptions, jsonBodyLimitBytes, ownsPath } from './host/http-app';
export { type EmbeddedOptions, type EmbeddedPlatform, type OriginPages, runEmbedded } from './host/run-embedded';
export { runMain } from './host/run-main';
export { runService } from './host/run-service';
export {
  type RunningServer,
  refuseUpgrade,
  routeUpgrades,
  type ServeOptions,
  serve,
  upgradePath,
} from './host/serve';
export type {
  OutboxDeclaration,
  OutboxTuning,
  ServiceContext,
  ServiceData,
  ServiceManifest,
  ServiceParts,
  UpgradeHandler,
} from './host/service-manifest';
export {
  type IntervalJobOptions,
  intervalJob,
  type Job,
  type ServiceRuntime,
  type ServiceRuntimeOptions,
  serviceRuntime,
} from './host/service-runtime';
export { openApiRouter, publicDocument, swaggerUiRouter } from './http/api-docs';
export { ApiRoutes, type OperationSpec, type ResponseSpec } from './http/api-routes';
export * from './http/auth';
export {
  cursorId,
  cursorInstant,
  decodeTimeCursor,
  encodeTimeCursor,
  invalidCursor,
  type TimePosition,
} from './http/cursor';
export { dependencyProblems } from './http/dependency-problems';
export { entityTags, noneMatch } from './http/entity-tags';
export { fetchFailure } from './http/fetch-failure';
export * from './http/health';
export {
  idempotencyKeyHeader,
  idempotencyKeyOf,
  replayIdempotent,
  respondIdempotently,
} from './http/idempotent-write';
export { JwksKeySet, type JwksKeySetOptions } from './http/jwks-key-set';
export * from './http/metrics';
export * from './http/problem';
export { problemResponder } from './http/problem-responder';
export { answerReadyReads, type ReadyAnswer, type ReadyRead, type ReadyReadsOptions } from './http/ready-reads';
export * from './http/request-context';
export { RequestDurations, requestDurationsIn } from './http/request-durations';
export { checkRequestTarget, type TargetVerdict } from './http/request-target';
export * from './http/session-check';
export { type StaticAsset, serveStaticAsset } from './http/static-asset';
export * from './http/trace-context';
export * from './http/validate';
export { CoalescingSender } from './hub/coalescing-sender';
export * from './hub/hub-sender';
export { createLogger, createProcessLogger, type Logger, type LoggerOptions } from './log/logger';
export { formatRecord, type LogFormat, resolveLogFormat } from './log/pretty-format';
export { redact } from './log/redact';
export { createDaprMesh, type DaprMeshOptions } from './mesh/dapr';
export { daprAppRoutes, deadLetterTopicFor } from './mesh/dapr-app-routes';
export * from './mesh/dapr-policy';
export { createEmbeddedMesh, EmbeddedBus, type EmbeddedBusOptions } from './mesh/embedded';
export * from './mesh/owner-reads';
export * from './mesh/port';
export { startTracing, type Tracing } from './tracing/start-tracing';
export {
  currentTraceparent,
  injectTraceHeaders,
  inKitSpan,
  type KitSpanOptions,
  SpanKind,
  serviceAttribute,
  tracingRequested,
  tracingStarted,
} from './tracing/tracing';
export { type BrowserBundleOptions, buildBrowserBundle } from './web/browser-bundle';
export {
  inlineSourceHash,
  type PageSources,
  pageContentSecurityPolicy,
  pageSecurityHeaders,
} from './web/page-security';
