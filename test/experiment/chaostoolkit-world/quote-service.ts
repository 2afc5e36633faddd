// A quote service in the shape of the one chrisp777/chaostoolkit-example's experiments are written for
// (our own code): `storage` serves a quote at /quote/ and `retrieval` fetches one from storage, falling
// back to a fixed quote when storage does not answer. Each writes <NAME>.pid in its working directory on
// start, as the original does, so an experiment's `pkill -F STORAGE.pid` finds it.
// Usage: node quote-service.js storage|retrieval   (PORT, STORAGE_URL, PM2_NAME in the environment)
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

const role = process.argv[2];
const port = Number(process.env.PORT);
const quotes = ['Do. Or do not. There is no try.', 'I find your lack of faith disturbing.', 'Never tell me the odds.'];

const server = createServer(async (req, res) => {
  if (role === 'storage' && req.url === '/quote/') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(quotes[Math.floor(Math.random() * quotes.length)]);
    return;
  }
  if (role === 'retrieval' && req.url === '/') {
    let quote = 'The force is quiet today.';
    try {
      const answer = await fetch(String(process.env.STORAGE_URL), { signal: AbortSignal.timeout(500) });
      if (answer.ok) quote = await answer.text();
    } catch {
      // storage is down: the fallback quote keeps retrieval answering
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(quote);
    return;
  }
  res.writeHead(404).end();
});
server.listen(port, '127.0.0.1', () => writeFileSync(`${process.env.PM2_NAME ?? role.toUpperCase()}.pid`, String(process.pid)));
