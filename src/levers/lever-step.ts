import { z } from 'zod';
import type { FaultContext, FaultDefinition, ResolvedTarget, Revert } from '../faults/fault.js';
import { ControlPlaneError } from '../control-plane/client.js';
import { connectLevers } from './client.js';
import { leverName } from './lever.js';

// The fault kind `lever`, usually written as its own step `lever: {pull: name}` / `lever: {reset: name}`.
// The change is sent under the run's lease on the lever service, so a dead run leaves no lever behind; the
// revert (the run's rollback) undoes exactly what the step changed and nothing a human did meanwhile.

export const leverStepParams = z.union([
  z.strictObject({ pull: leverName.meta({ description: 'The lever to pull (shed the work it names)' }) }).meta({ description: 'Pull the lever for the rest of the run' }),
  z.strictObject({ reset: leverName.meta({ description: 'The lever to reset (resume the work it names)' }) }).meta({ description: 'Reset the lever for the rest of the run' }),
]);
export type LeverStepParams = z.infer<typeof leverStepParams>;

function actionOf(params: LeverStepParams): { action: 'pull' | 'reset'; lever: string } {
  return 'pull' in params ? { action: 'pull', lever: params.pull } : { action: 'reset', lever: params.reset };
}

const clientFor = (target: ResolvedTarget) => connectLevers(target.controlUrl, { token: target.token });

export const leverFault: FaultDefinition<LeverStepParams> = {
  kind: 'lever',
  summary: 'Pulls or resets an emergency lever for the rest of the run (undone by the rollback or when the lease ends)',
  targetKind: 'levers',
  params: leverStepParams,
  step: { key: 'lever', description: 'Pull or reset an emergency lever until the method ends, or for `duration` (undone at revert, LIFO with the faults)' },
  title(params) {
    const { action, lever } = actionOf(params);
    return `${action} lever ${lever}`;
  },
  describe(target, params) {
    const { action, lever } = actionOf(params);
    return `${action} lever ${lever} on the lever service ${target.controlUrl} (undone at rollback)`;
  },
  async preflight(target, params) {
    // An unknown lever is refused before anything is touched; the service's message lists the known ones.
    const { lever } = actionOf(params);
    try {
      await clientFor(target).get(lever);
    } catch (error) {
      throw new Error(`target ${target.name}: ${(error as Error).message}`);
    }
  },
  async inject(target, params, ctx) {
    return applyLeverStep(target, params, ctx);
  },
};

export async function applyLeverStep(target: ResolvedTarget, params: LeverStepParams, ctx: FaultContext): Promise<Revert> {
  const { action, lever } = actionOf(params);
  const client = clientFor(target);
  const lease = await ctx.leaseFor(target);
  const by = `run ${ctx.runId}`;
  const result = await client[action](lever, { by, reason: `experiment step: ${action} ${lever}` }, { lease });
  ctx.note(action === 'pull' ? 'lever.pulled' : 'lever.reset', `${action} lever ${lever}${result.changed ? '' : ` (it already was ${result.lever.state})`}`, { lever, lease, changed: result.changed, rollback: false });
  if (!result.changed) {
    // Someone else (often a human) had already put the lever there: the run does not own that state.
    ctx.log.info({ lever, state: result.lever.state }, `lever ${lever} was already ${result.lever.state}; the run will not undo it`);
    return async () => {};
  }
  let reverted = false;
  return async () => {
    if (reverted) return;
    reverted = true;
    try {
      const current = await client.get(lever);
      // A human who took the lever over (pulled or reset it by hand) keeps it; the lease no longer holds it.
      if (current.lease?.id !== lease) {
        ctx.note('lever.kept', `lever ${lever} is left ${current.state}: ${current.changed_by ?? 'someone'} took it over`, { lever, state: current.state, by: current.changed_by });
        return;
      }
      const undo = action === 'pull' ? 'reset' : 'pull';
      // Undone under the same lease: without it the service would see a human taking the lever over, and
      // an earlier step's rollback (pull, then reset, reverted last in first out) would leave it pulled.
      await client[undo](lever, { by, reason: `rollback of experiment step: ${action} ${lever}` }, { lease });
      ctx.note(undo === 'pull' ? 'lever.pulled' : 'lever.reset', `${undo} lever ${lever} (rollback of the step)`, { lever, lease, changed: true, rollback: true });
    } catch (error) {
      // The lease still holds the change: if the service is back before the lease ends, expiry undoes it.
      if (error instanceof ControlPlaneError && error.status === 0) throw new Error(`${error.message}; the lease will undo lever ${lever} when it expires`);
      throw error;
    }
  };
}
