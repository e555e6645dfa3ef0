import { describeDotSegmentAttacks, describeOversizedBodies, describePathFuzzer } from './support/origin-attacks';
import { describeSocketStorm } from './support/socket-storm';

// Against the public origin of the topology this project runs (the embedded edge; the gateway of start:dapr).
describeDotSegmentAttacks();
describePathFuzzer();
describeOversizedBodies();
describeSocketStorm();
