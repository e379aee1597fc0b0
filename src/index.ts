/**
 * Public entry point of the Projector SDK. Everything exported here is the supported API; the simulator is a
 * separate entry point (`<package>/simulator`).
 */
export { ProjectorClient } from './client';
export type { ProjectorClientOptions, CallOptions, Credentials, TicketSource } from './options';
export { SERVICE_PATH } from './options';
export * from './errors';
export type * from './types';
export { LOCK_TYPES } from './types';
export type { Clock } from './clock';
export { systemClock, ManualClock } from './clock';
export type { Logger } from './logger';
export { RateLimitController } from './rate-limit/controller';
export type { CallScopes } from './rate-limit/controller';
export type { RateLimitOptions, RateLimitedInfo, RetryInfo } from './rate-limit/options';
export type { RateLimitStore, PauseState } from './rate-limit/store';
export { MemoryRateLimitStore } from './rate-limit/store';
export type { OperationName } from './soap/operations';
export { redisStore, RedisRateLimitStore, type RedisStoreOptions, type RedisClientLike } from './rate-limit/redis-store';
export { OPERATIONS } from './soap/operations';
export type { ResolvedRateLimitOptions, KnownLimits } from './rate-limit/options';
export type { RateLimitLogger } from './rate-limit/controller';
export { FallbackRateLimitStore, type FallbackLogger, type FallbackOptions, type ProbeableStore } from './rate-limit/fallback-store';
