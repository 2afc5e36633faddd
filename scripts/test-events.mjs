// A node:test reporter for scripts/run-tests.mjs: one JSON line per test that starts or ends, so that the
// runner can say which test was running when it had to kill a file that outlived its time limit, and
// name the failed tests in its summary. The human-readable output is the spec reporter's, beside this one.
export default async function* testEvents(source) {
  for await (const event of source) {
    const { name, nesting } = event.data ?? {};
    // test:dequeue is when a test begins to run; test:start is emitted later, in report order.
    if (event.type === 'test:dequeue') yield `${JSON.stringify({ event: 'start', name, nesting })}\n`;
    else if (event.type === 'test:pass') yield `${JSON.stringify({ event: 'pass', name, nesting })}\n`;
    else if (event.type === 'test:fail') yield `${JSON.stringify({ event: 'fail', name, nesting })}\n`;
  }
}
