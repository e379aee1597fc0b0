/**
 * Public entry point of the Projector SDK. Everything exported here is the supported API; the simulator is a
 * separate entry point (`<package>/simulator`).
 */
export { ProjectorClient } from './client';
export type { ProjectorClientOptions, CallOptions, Credentials, TicketSource } from './options';
export type { WithLocksOptions, WithLocksContext } from './with-locks';
export { SERVICE_PATH } from './options';
export * from './errors';
export type * from './types';
export { LOCK_TYPES } from './types';
export type { Clock } from './clock';
export { systemClock, ManualClock } from './clock';
export { pinoLogger, consoleLogger } from './logger';
export type { Logger, AreaLogger, LoggerStyle, LogArea, LogLevel, LoggerInput, LoggerTarget } from './logger';
export type { TelemetryOptions, OpenTelemetryApi, TelemetrySpan, TelemetryTracer, TelemetryMeter, TelemetryHistogram, TelemetryCounter } from './telemetry';
export { RateLimitController } from './rate-limit/controller';
export type { CallScopes, WaitContext, Admission } from './rate-limit/controller';
export type { RateLimitOptions, RateLimitedInfo, RetryInfo } from './rate-limit/options';
export type { RateLimitStore, PauseState, MemoryStoreOptions } from './rate-limit/store';
export { MemoryRateLimitStore } from './rate-limit/store';
export { redisStore, RedisRateLimitStore, type RedisStoreOptions, type RedisClientLike } from './rate-limit/redis-store';
export { OPERATIONS, OPERATION_NAMES } from './soap/operations';
export type { OperationModel } from './soap/operations';
export { READ_VERBS, WRITE_VERBS, RESEND_EXCEPTIONS, SESSIONLESS_OPERATIONS, resendDecision, type OperationOverride, type ResendBasis, type ResendDecision, type ResendException } from './policy';
export type { ResolvedRateLimitOptions, KnownLimits } from './rate-limit/options';
export type { RateLimitLogger } from './rate-limit/controller';
export { FallbackRateLimitStore, type FallbackLogger, type FallbackOptions, type ProbeableStore } from './rate-limit/fallback-store';
export { authorizationUrl, parseAuthorizationCallback, DEFAULT_AUTHORIZE_BASE_URL, type AuthorizationUrlOptions, type AuthorizationCallback } from './oauth/authorize-url';
export { createPkcePair, codeChallengeOf, type PkcePair } from './oauth/pkce';
export { exchangeAuthorizationCode, OAuthTokenSet, type ExchangeAuthorizationCodeOptions } from './oauth/exchange';
export type { TokenAnswer } from './oauth/acquire';
export type { OAuthOptions, RefreshTokenInfo } from './oauth/options';
export type { OAuthStats } from './oauth/token-source';
export type { OAuthTokenStore, SharedTokenState, SharedAccess, PublishRequest } from './oauth/store';
export { redisTokenStore, RedisTokenStore, type RedisTokenStoreOptions } from './oauth/redis-token-store';
