// What running one Chaos Toolkit activity gives: its output ({status, headers, body} or
// {status, stdout, stderr}), or why it failed (a timeout, a connection that could not be made). A failed
// activity is Chaos Toolkit's `ActivityFailed`: recorded, and the run goes on.
export type ActivityResult =
  | { status: 'succeeded'; output: Record<string, unknown> }
  | { status: 'failed'; error: string; output?: Record<string, unknown> };
