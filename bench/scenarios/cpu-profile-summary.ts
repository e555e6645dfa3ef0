// Where a V8 CPU profile (.cpuprofile, as `node --cpu-prof` writes it) spent its time, by who asked for the work:
// the services of the embedded topology share one process, so a profile answers "how much is fraud's?" only by
// looking at each sample's stack.

/** The parts of the .cpuprofile format read here (Chrome DevTools Protocol, Profiler.Profile). */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Everything but the idle samples. */
  busyMs: number;
  /** Milliseconds by the innermost owner on the stack, the largest first. */
  byOwner: Array<[string, number]>;
  /** Milliseconds of self time by the area of the function itself. */
  byArea: Array<[string, number]>;
  /** The `top` functions with the most self time. */
  byFunction: Array<[string, number]>;
}

const idle = '(idle)';

/**
 * The area a script belongs to: `services/<name>` for a service's code, `kit/<folder>` for the kit's, the package
 * for a dependency (`typeorm`, `better-sqlite3`…), `node` for Node's own JavaScript, or V8's pseudo-frames
 * (`(garbage collector)`, `(program)`).
 */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency?.[1]) return dependency[1];
  const service = /services\/([^/]+)\//.exec(url);
  if (service?.[1]) return `services/${service[1]}`;
  const kit = /packages\/kit\/src\/([^/]+)\//.exec(url);
  if (kit?.[1]) return `kit/${kit[1]}`;
  const contracts = /packages\/([^/]+)\//.exec(url);
  if (contracts?.[1]) return `packages/${contracts[1]}`;
  return url.split('/').slice(-2).join('/');
}

/**
 * A window of a profile in its own clock (µs, as startTime and endTime): the samples outside it are left out.
 * windowOfWallClock finds it from wall-clock instants.
 */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/**
 * The window between two wall-clock instants (ms since the epoch) in a profile's own clock, given when the profile
 * ended on the wall clock (node --cpu-prof writes the file as the process exits: its modification time).
 */
export function windowOfWallClock(
  profile: Pick<CpuProfile, 'endTime'>,
  endedAtMs: number,
  fromMs: number,
  toMs: number,
): ProfileWindow {
  return { fromUs: profile.endTime - (endedAtMs - fromMs) * 1000, toUs: profile.endTime - (endedAtMs - toMs) * 1000 };
}

export function summariseProfile(profile: CpuProfile, top = 30, window?: ProfileWindow): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  // The owner of a node: the innermost service frame on its stack, else the innermost kit frame, else its own area.
  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached) return cached;
    let kit: string | undefined;
    let owner: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      const area = areaOf(frame.url, frame.functionName);
      if (area.startsWith('services/')) {
        owner = area;
        break;
      }
      if (!kit && area.startsWith('kit/')) kit = area;
    }
    const self = byId.get(id)?.callFrame;
    const result = owner ?? kit ?? (self ? areaOf(self.url, self.functionName) : '?');
    ownerCache.set(id, result);
    return result;
  };

  const owners = new Map<string, number>();
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  let totalMs = 0;
  let idleMs = 0;
  let atUs = profile.startTime;
  profile.samples.forEach((id, index) => {
    atUs += profile.timeDeltas[index] ?? 0;
    if (window && (atUs < window.fromUs || atUs > window.toUs)) return;
    // A sample's time is the delta to the next sample (the last one gets the mean).
    const next = profile.timeDeltas[index + 1];
    const ms = (next ?? (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length)) / 1000;
    totalMs += ms;
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === idle) {
      idleMs += ms;
      return;
    }
    add(owners, ownerOf(id), ms);
    add(areas, areaOf(frame.url, frame.functionName), ms);
    const where = frame.url
      ? ` ${frame.url.replace(/^.*?((?:node_modules|services|packages)\/)/, '$1')}:${frame.lineNumber + 1}`
      : '';
    add(functions, `${frame.functionName || '(anonymous)'}${where}`, ms);
  });
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]);
  return {
    totalMs,
    busyMs: totalMs - idleMs,
    byOwner: sorted(owners),
    byArea: sorted(areas),
    byFunction: sorted(functions).slice(0, top),
  };
}
