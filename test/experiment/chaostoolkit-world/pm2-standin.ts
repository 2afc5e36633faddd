// `pm2` for the tests: the few commands chrisp777/chaostoolkit-example's experiments use (`pm2 stop NAME`,
// `pm2 restart FILE --name NAME`), sent to the supervisor the test runs (PM2_STANDIN_URL), which keeps
// the named processes alive the way pm2 does: a process that dies is started again, one that is stopped
// stays stopped until restarted.
const [command, ...rest] = process.argv.slice(2);
const nameAt = rest.indexOf('--name');
const name = command === 'stop' ? rest[0] : nameAt >= 0 ? rest[nameAt + 1] : undefined;
const file = command === 'restart' ? rest[0] : undefined;
if (!name || (command !== 'stop' && command !== 'restart')) {
  process.stderr.write(`pm2 (test stand-in): unsupported command: ${process.argv.slice(2).join(' ')}\n`);
  process.exit(2);
}
const answer = await fetch(`${process.env.PM2_STANDIN_URL}/${command}?name=${encodeURIComponent(name)}${file ? `&file=${encodeURIComponent(file)}` : ''}`, { method: 'POST' });
const text = await answer.text();
process.stdout.write(`${text}\n`);
process.exit(answer.ok ? 0 : 1);
