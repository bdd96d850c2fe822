// The baseline: aedes 1.x on plain TCP with an EMPTY handler, in its own process, driven by
// the same generator as Anxin. It authenticates everyone and its `published` hook does only
// what the measurement needs: read the reading's send time from the fixed offset of its `ts`
// (the generator writes `{"ts":"<24-char ISO>",…`) and count it. Nothing is parsed or stored.
import net from 'node:net';
import { Aedes } from 'aedes';
import { meterId } from './fleet.ts';
import { Recorder, serveParent } from './recorder.ts';

const meters = Number(process.env.LOAD_METERS ?? 0);
const rec = new Recorder();
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
const addr = server.address() as net.AddressInfo;

serveParent(rec, async () => {
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
// aedes accepts any credential; the generator still sends a token of the real length.
const creds = Array.from({ length: meters }, (_, i) => ({ id: meterId(i), token: 'x'.repeat(32) }));
process.send?.({ type: 'ready', mqttPort: addr.port, meters: creds });

