import { startComposeTopology } from './compose-topology';

export default async function startOnce(): Promise<void> {
  await startComposeTopology();
}
