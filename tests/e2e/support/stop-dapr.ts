import { stopTopology } from './topology';

export default async function stop(): Promise<void> {
  await stopTopology('dapr');
}
