import { stopComposeTopology } from './compose-topology';

export default async function stop(): Promise<void> {
  await stopComposeTopology();
}
