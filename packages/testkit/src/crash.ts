import type { DaprTopology } from './dapr-topology';

/** Something a crash test kills with SIGKILL and starts again: a service process, a sidecar, or Redis. */
export interface CrashVictim {
  /** Names it in test titles and reports, e.g. `orders`, `daprd of orders`, `redis`. */
  label: string;
  kill(): Promise<void>;
  /** Starts it again where it was (same ports, data and tokens); resolves once it listens. */
  restart(): Promise<void>;
}

/** The service's process (its first replica), its sidecar staying up: an app container crashed in its pod. */
export function serviceVictim(topology: DaprTopology, service: string): CrashVictim {
  const member = topology.member(service);
  return { label: service, kill: () => member.kill(), restart: () => member.restart() };
}

/** The service's daprd (its first replica's), the service staying up: a sidecar container crashed in its pod. */
export function sidecarVictim(topology: DaprTopology, service: string): CrashVictim {
  const sidecar = topology.member(service).sidecar;
  return { label: `daprd of ${service}`, kill: () => sidecar.kill(), restart: () => sidecar.restart() };
}

/**
 * The topology's Redis (the pub/sub streams and state store). Only meaningful when the topology keeps Redis's
 * append-only file (`redisAppendOnly`): a Redis that comes back empty has lost every event, which no timeout fixes.
 */
export function redisVictim(topology: DaprTopology): CrashVictim {
  return { label: 'redis', kill: () => topology.redis.kill(), restart: () => topology.redis.restart() };
}

/** What one crash cost: how long the victim was down, took to start, and the platform took to catch up. */
export interface Recovery {
  victim: string;
  /** From the kill to the restart's start. */
  downMs: number;
  /** From the restart's start until the victim listened again. */
  restartMs: number;
  /** From the restart's start until `recovered` held: the bound crash tests assert. */
  recoveredMs: number;
}

/**
 * Kills the victim, runs `whileDown` (load the platform meanwhile), restarts it, then runs `afterRestart` and
 * waits for `recovered` to hold, polling every 200 ms for at most `boundMs` after the restart began. Answers the
 * timings; throws `recovered`'s last failure, with the timings, if the bound passed first.
 */
export async function crashAndRecover(
  victim: CrashVictim,
  steps: {
    whileDown(): Promise<void>;
    afterRestart(): Promise<void>;
    /** Throws while the platform has not caught up (e.g. an accepted order still Pending). */
    recovered(): Promise<void>;
    boundMs: number;
  },
): Promise<Recovery> {
  const killedAt = Date.now();
  await victim.kill();
  await steps.whileDown();
  const restartedAt = Date.now();
  await victim.restart();
  const listeningAt = Date.now();
  await steps.afterRestart();
  const deadline = restartedAt + steps.boundMs;
  for (;;) {
    try {
      await steps.recovered();
      return {
        victim: victim.label,
        downMs: restartedAt - killedAt,
        restartMs: listeningAt - restartedAt,
        recoveredMs: Date.now() - restartedAt,
      };
    } catch (error) {
      if (Date.now() > deadline) {
        const late = `${victim.label}: not recovered ${Date.now() - restartedAt} ms after its restart began`;
        throw new Error(`${late} (bound ${steps.boundMs} ms): ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
