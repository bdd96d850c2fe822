export { startBroker, type Broker, type BrokerOptions, type OnPublish } from './broker.ts';
export { CONNACK, type MeterAuthenticator } from './auth.ts';
export { mayPublish } from './acl.ts';
