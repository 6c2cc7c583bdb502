// The ceiling of this machine: a bare node:http server answering a fixed JSON document.
import { createServer } from 'node:http';
import { FIXED_JSON } from './fixed-json.mjs';

const body = JSON.stringify(FIXED_JSON);
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
process.on('disconnect', () => process.exit(0));
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.({ type: 'ready' }));
