import { InProcessBackplaneNetwork } from '../../src/backplane/in-process-backplane';
import { startReplicaPair } from '../support/replica-pair';
import { describeReplicaPair } from './replica-scenarios';

// Two hub replicas in one process, joined by the in-process backplane (the same logic Redis carries between pods).
describe('two hub replicas on the in-process backplane', () => {
  const network = new InProcessBackplaneNetwork();
  describeReplicaPair(() => startReplicaPair({ backplane: () => network.join() }));
});
