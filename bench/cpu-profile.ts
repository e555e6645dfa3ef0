// `npx tsx bench/cpu-profile.ts <file.cpuprofile> [top] [from to]`: where a V8 CPU profile (node --cpu-prof, or the
// bench's BENCH_CPU_PROF) spent its time. Three tables: by owner (the innermost service on the stack,
// `services/<name>`, else the innermost kit folder, else the package or Node's own code), by package or source area
// of the function itself (self time), and the functions with the most self time. `from` and `to` (ISO instants, as
// the orders bench prints its load window) leave out the samples before and after, such as start-up and seeding.
import { readFileSync, statSync } from 'node:fs';
import { type CpuProfile, summariseProfile, windowOfWallClock } from './scenarios/cpu-profile-summary';

const [file, top, from, to] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/cpu-profile.ts <file.cpuprofile> [how many functions (30)] [from to]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const window =
  from && to ? windowOfWallClock(profile, statSync(file).mtimeMs, Date.parse(from), Date.parse(to)) : undefined;
const summary = summariseProfile(profile, Number(top ?? 30), window);
const row = (name: string, ms: number) =>
  `| ${name} | ${ms.toFixed(0)} | ${((ms / summary.busyMs) * 100).toFixed(1)}% |`;
console.log(`${file}: ${summary.totalMs.toFixed(0)} ms sampled, ${summary.busyMs.toFixed(0)} ms busy (not idle)\n`);
for (const [title, entries] of [
  ['owner (innermost service on the stack)', summary.byOwner],
  ['area of the function itself (self time)', summary.byArea],
  ['function (self time)', summary.byFunction],
] as const) {
  console.log(`| ${title} | ms | of busy |\n|---|---|---|`);
  for (const [name, ms] of entries) console.log(row(name, ms));
  console.log('');
}
