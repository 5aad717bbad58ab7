// A byte relay between a TCP port and a Unix socket. Unix sockets are files, so they cross network namespaces: the
// agent, running in a namespace the test created (so isolating it never touches the machine's network), reaches the
// server through "tcp-listen" inside its namespace and "unix-listen" beside the server.
//   node relay.mjs unix-listen SOCKET_PATH TCP_HOST TCP_PORT
//   node relay.mjs tcp-listen TCP_PORT SOCKET_PATH
import net from 'node:net';
import fs from 'node:fs';

const [mode, a, b, c] = process.argv.slice(2);

function pipe(client, connect) {
  const upstream = connect();
  client.pipe(upstream).pipe(client);
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('error', end);
  upstream.on('error', end);
}

let server;
if (mode === 'unix-listen') {
  fs.rmSync(a, {force: true});
  server = net.createServer(client => pipe(client, () => net.connect(Number(c), b))).listen(a);
} else if (mode === 'tcp-listen') {
  server = net.createServer(client => pipe(client, () => net.connect(b))).listen(Number(a), '127.0.0.1');
} else {
  console.error(`relay: unknown mode '${mode}'; use unix-listen SOCKET HOST PORT or tcp-listen PORT SOCKET`);
  process.exit(2);
}
server.on('listening', () => console.log('relay listening'));
server.on('error', e => { console.error('relay: ' + e.message); process.exit(1); });
