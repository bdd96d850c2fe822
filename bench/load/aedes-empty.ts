// The baseline: aedes 1.x on plain TCP with an EMPTY handler, in its own process, driven by
// the same generator as Anxin. It authenticates everyone and its `published` hook does only
// what the measurement needs: read the reading's send time from the fixed offset of its `ts`
// (the generator writes `{"ts":"<24-char ISO>",…`) and count it. Nothing is parsed or stored.
//
// LOAD_AEDES_VARIANT=anxin-broker (a diagnostic, `--only aedes`): the meters connect instead to
// Anxin's own broker layer (src/broker/broker.ts: frame guard, ACL, publish budget with the
// bench's limits, meter publishes not routed) around the same aedes, with every token accepted
// and an onPublish that only counts, its PUBACKs held for a shared 2 ms barrier as the group
// commit holds them: what the broker layer costs without the pipeline (README, Load benchmark).
// The stock aedes below still starts; the meters are just not sent to it.
import net from 'node:net';
import { Aedes } from 'aedes';
import { meterId } from './fleet.ts';
import { Recorder, serveParent } from './recorder.ts';

const meters = Number(process.env.LOAD_METERS ?? 0);
const rec = new Recorder();
const layer = process.env.LOAD_AEDES_VARIANT === 'anxin-broker' ? await startAnxinBroker() : undefined;
const aedes = await Aedes.createBroker({
  authenticate: (_client, _username, _password, done) => done(null, true),
  published: (packet, client, done) => {
    if (client) rec.saw(Date.parse((packet.payload as Buffer).toString('latin1', 7, 31)), Date.now());
    done();
  },
});
// Same listen backlog as Node's default for both systems unless the service sets its own.
const server = net.createServer(aedes.handle);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const addr = (layer ? { port: layer.port } : server.address()) as net.AddressInfo;

serveParent(rec, async () => {
  await layer?.close();
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
// aedes accepts any credential; the generator still sends a token of the real length.
const creds = Array.from({ length: meters }, (_, i) => ({ id: meterId(i), token: 'x'.repeat(32) }));
process.send?.({ type: 'ready', mqttPort: addr.port, meters: creds });

async function startAnxinBroker() {
  const { startBroker } = await import('../../src/broker/broker.ts');
  const { parseConfig } = await import('../../src/config.ts');
  const { benchLimits } = await import('./limits.ts');
  let barrier: Promise<void> | undefined;
  return startBroker({
    port: 0,
    host: '127.0.0.1',
    auth: { verify: () => 'ok' },
    limits: parseConfig(benchLimits().config).limits.mqtt,
    onPublish: (_meterId, _topic, payload) => {
      rec.saw(Date.parse(payload.toString('latin1', 7, 31)), Date.now());
      return (barrier ??= new Promise<void>((resolve) =>
        setTimeout(() => {
          barrier = undefined;
          resolve();
        }, 2),
      ));
    },
  });
}
