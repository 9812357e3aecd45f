// The baseline for the ingest ratio: a bare node:http server that reads the body and answers 200.
import http from 'node:http';
const port = Number(process.env.PORT);
http
  .createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      res.end('ok');
    });
  })
  .listen(port, '127.0.0.1', () => process.stdout.write(`bare server is running on ${port}\n`));
