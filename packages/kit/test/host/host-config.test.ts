import { ConfigError, loadConfig } from '../../src/config/load-config';
import { type SidecarConfig, sidecarConfigSchema } from '../../src/host/host-config';

const beside = { JWKS_URL: 'http://127.0.0.1:8080/api/auth/jwks' };
const tokens = { APP_API_TOKEN: 'a'.repeat(32), DAPR_API_TOKEN: 'd'.repeat(32) };

function problemsOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig<SidecarConfig>(sidecarConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('a service beside its daprd', () => {
  it('starts with both mesh tokens', () => {
    expect(loadConfig<SidecarConfig>(sidecarConfigSchema, { ...beside, ...tokens })).toMatchObject(tokens);
  });

  it('refuses to start without them, naming each', () => {
    const problems = problemsOf(beside);
    expect(problems).toMatch(/^APP_API_TOKEN: .*required/m);
    expect(problems).toMatch(/^DAPR_API_TOKEN: .*required/m);
  });

  it('refuses a token shorter than 32 characters', () => {
    const problems = problemsOf({ ...beside, ...tokens, APP_API_TOKEN: 'short', DAPR_API_TOKEN: 'x'.repeat(31) });
    expect(problems).toMatch(/^APP_API_TOKEN: .*32/m);
    expect(problems).toMatch(/^DAPR_API_TOKEN: .*32/m);
  });
});
