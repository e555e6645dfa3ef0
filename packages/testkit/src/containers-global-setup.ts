import { getContainerRuntimeClient } from 'testcontainers';

/** Fails at once, saying what is missing, when no container engine answers. */
export default async function containersGlobalSetup(): Promise<void> {
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    throw new Error(
      `npm run test:containers needs a Docker (or compatible) engine that Testcontainers can reach: ${(error as Error).message}`,
    );
  }
}
