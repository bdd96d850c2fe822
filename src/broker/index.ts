export { startBroker, type Broker, type BrokerCounters, type BrokerOptions, type OnPublish } from './broker.ts';
export { CONNACK, type MeterAuthenticator, type Refusal, type Verdict } from './auth.ts';
export { mayPublish } from './acl.ts';
export { DEFAULT_LIMITS, LimitsSchema, type AuthLimits, type Limits, type MqttLimits, type StoreLimits } from './limits.ts';
