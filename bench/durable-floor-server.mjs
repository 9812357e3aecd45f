// The second baseline for the ingest ratio: the least work any durable acknowledgement needs on this disk. A bare
// node:http server that appends each request body to a file and answers only after an fdatasync that started after
// the append (group commit: one sync covers every body that arrived while the previous sync ran). The file I/O runs on
// libuv's thread pool, like the hub's WAL sync.
import http from 'node:http';
import { openSync, rmSync, write, fdatasync } from 'node:fs';
import { join } from 'node:path';

const port = Number(process.env.PORT);
const file = join(process.env.DURABLE_FLOOR_DIR ?? '/tmp', `durable-floor-${process.pid}.log`);
const fd = openSync(file, 'a');
process.on('exit', () => rmSync(file, { force: true }));
process.on('SIGTERM', () => process.exit(0));

/** bodies waiting for the next write + sync, and the replies waiting on it */
let waiting = [];
let syncing = false;

function flush() {
  if (syncing || waiting.length === 0) return;
  syncing = true;
  const batch = waiting;
  waiting = [];
  const buf = Buffer.concat(batch.map((w) => w.body));
  write(fd, buf, 0, buf.length, null, (err) => {
    if (err) return done(batch, err);
    fdatasync(fd, (err2) => done(batch, err2));
  });
}

function done(batch, err) {
  syncing = false;
  for (const w of batch) {
    if (err) {
      w.res.writeHead(503, { 'content-type': 'text/plain', 'content-length': 4 });
      w.res.end('fail');
    } else {
      w.res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      w.res.end('ok');
    }
  }
  flush();
}

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      chunks.push(Buffer.from('\n'));
      waiting.push({ body: Buffer.concat(chunks), res });
      flush();
    });
  })
  .listen(port, '127.0.0.1', () => process.stdout.write(`durable floor server is running on ${port}\n`));
