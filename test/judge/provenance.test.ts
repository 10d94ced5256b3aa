/**
 * Judge provenance is what was called. A judge configuration handed to judgeText or nameWithJudge
 * that differs from the engine's model of that name (the issue-22 case: a judge named like a
 * studied model was answered by that model while its own model id was recorded) is recorded as the
 * engine's: the fingerprint names the model that answered.
 */
import { describe, expect, it } from 'vitest';
import { studyConfigSchema } from '../../src/config/schema.js';
import { Engine } from '../../src/engine/engine.js';
import { judgeText } from '../../src/judge/judge.js';
import { nameWithJudge } from '../../src/judge/naming.js';
import { SIMULATED_PROVIDERS } from '../../src/sim/provider.js';
import { tempStore } from '../helpers/sql.js';
import { pickSimNames } from '../helpers/sim.js';

/** Models of the default simulated population by role (names are drawn from its seed). */
const [SIM_RLHF_B] = pickSimNames('rlhf') as string[] as [string];

describe('judge provenance', () => {
  const cfg = studyConfigSchema.parse({ name: 'p', models: [{ name: 'a', provider: 'simulated', model: `sim/${SIM_RLHF_B}` }] });
  const system = { name: 's', dimensions: [{ id: 'care', label: 'Care', definition: 'Caring for others.' }] };

  it('records the model that answered, not the configuration the caller passed', async () => {
    const engine = new Engine({ models: cfg.models, store: tempStore(), factories: SIMULATED_PROVIDERS, log: () => {} });
    const claimed = { ...cfg.models[0]!, provider: 'openai' as const, model: 'gpt-4o-judge' };
    const judged = await judgeText(engine, claimed, system, 'I help my neighbours.', 'u1');
    expect(judged.fingerprint).toMatchObject({ provider: 'simulated', model: `sim/${SIM_RLHF_B}` });
    const named = await nameWithJudge(engine, claimed, ['care', 'kindness', 'compassion']);
    expect(named.fingerprint).toMatchObject({ provider: 'simulated', model: `sim/${SIM_RLHF_B}` });
    await engine.close();
  });
});
