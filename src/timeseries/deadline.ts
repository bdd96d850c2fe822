// A total deadline for every request the InfluxDB client sends. The client's own `timeout` is
// only the socket's idle timeout (req.setTimeout in its Node transport): a server or proxy that
// answers a byte now and then is never timed out, so its write neither succeeds nor fails,
// nothing is spooled, memory grows and a clean stop waits for ever. Wrapping the transport
// aborts the request `ms` after it was handed over (gzip, connect and the whole answer
// included) and reports it as the client's RequestTimedOutError, so the writer counts it as
// `timeout` and spools its points as for any failed write (src/timeseries/writer.ts).
import { RequestTimedOutError, type CommunicationObserver, type SendOptions, type Transport } from '@influxdata/influxdb-client';

export function withDeadline(inner: Transport, ms: number): Transport {
  const armed = (options: SendOptions) => {
    const deadline = AbortSignal.timeout(ms); // unref'd: never keeps the process alive
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    return { deadline, options: { ...options, signal } };
  };
  return {
    chunkCombiner: inner.chunkCombiner,
    send(path, body, options, callbacks?: Partial<CommunicationObserver<Uint8Array>>) {
      const { deadline, options: o } = armed(options);
      const error = (err: Error) => callbacks?.error?.(deadline.aborted ? new RequestTimedOutError() : err);
      inner.send(path, body, o, { ...callbacks, error });
    },
    request(path, body, options, responseStarted) {
      const { deadline, options: o } = armed(options);
      return inner.request(path, body, o, responseStarted).catch((err: unknown) => {
        throw deadline.aborted ? new RequestTimedOutError() : err;
      });
    },
    iterate(path, body, options) {
      return inner.iterate(path, body, armed(options).options);
    },
  };
}
