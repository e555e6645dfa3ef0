import { readFileSync } from 'node:fs';
import { createLogger } from '@shop/kit';
import { rawRequest } from '@shop/testkit/src/raw-http';
import { upstreamVariable } from '../../../services/edge/src/gateway-config';
import { runGateway } from '../../../services/edge/src/gateway-main';
import type { RunningGateway } from '../../../services/edge/src/serve-gateway';
import { describeDotSegmentAttacks, describeOversizedBodies, describePathFuzzer } from '../support/origin-attacks';
import { describeSocketStorm } from '../support/socket-storm';

// The gateway as Kubernetes runs it (gateway-main.ts, NODE_ENV=production, an operations port, the hub's Azure REST
// API held back), in front of the Dapr topology's service processes: every attack again, through it.

interface TopologyFile {
  members: Array<{ appId: string; replica: number; appPort: number }>;
}

function upstreamsOfRunningTopology(): Record<string, string> {
  const file = process.env.E2E_DAPR_TOPOLOGY_FILE;
  if (!file) throw new Error('E2E_DAPR_TOPOLOGY_FILE is not set: run this suite through the e2e-dapr jest project');
  const topology = JSON.parse(readFileSync(file, 'utf8')) as TopologyFile;
  return Object.fromEntries(
    topology.members
      .filter((member) => member.replica === 0)
      .map((member) => [upstreamVariable(member.appId), `http://127.0.0.1:${member.appPort}`]),
  );
}

let gateway: RunningGateway;
let topologyOrigin: string | undefined;

beforeAll(async () => {
  gateway = await runGateway({
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      OPERATIONS_PORT: '0',
      ...upstreamsOfRunningTopology(),
    },
    log: createLogger({ name: 'production-gateway', level: 'fatal' }),
  });
  // Every helper of the black-box suite now goes through the production gateway; restored for later files.
  topologyOrigin = process.env.E2E_BASE_URL;
  process.env.E2E_BASE_URL = gateway.url;
});
afterAll(async () => {
  process.env.E2E_BASE_URL = topologyOrigin;
  await gateway?.shutdown();
});

describe('the gateway in its production configuration', () => {
  it('keeps the Azure SignalR REST API and /metrics off the public port, also behind dot segments', async () => {
    for (const target of [
      '/api/v1/hubs/inventory',
      '/api/hubs/inventory/:send?api-version=2022-06-01',
      '/hubs/../api/v1/hubs/inventory',
      '/metrics',
    ]) {
      const answer = await rawRequest(gateway.url, { method: 'POST', target, body: '{"target":"x","arguments":[]}' });
      expect({ target, status: answer.status }).toEqual({ target, status: target.includes('..') ? 400 : 404 });
    }
    const metrics = await fetch(`http://127.0.0.1:${gateway.operationsPort}/metrics`);
    expect(metrics.status).toBe(200);
  });
});

describeDotSegmentAttacks();
describePathFuzzer();
describeOversizedBodies();
describeSocketStorm();
