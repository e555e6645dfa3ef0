// The Dapr ceiling's table and the ceiling it puts on orders/s: the CPU of the crossings one order makes through
// the sidecars (and of its PostgreSQL statements), at the costs measured in this run, against the machine's cores.
import type { DaprCeilingMeasurements, HopMeasurement } from './dapr-ceiling';
import { ceilingSettings } from './dapr-ceiling';
import type { RateResult } from './rates';

/**
 * Counted per completed order in the Dapr topology (README "Benchmarks": every daprd's metrics and PostgreSQL's
 * log_statement=all over 200 orders): publishes and deliveries through the sidecars, service invocations, and
 * PostgreSQL statements (BEGIN and COMMIT included) over the four databases.
 */
export const countedPerOrder: OrderCrossings = { publishes: 7, deliveries: 11, invocations: 3, statements: 54 };

/**
 * The fewest any saga of the contract can make, whatever its code: the prices read from the catalog (one
 * invocation); order placed → inventory, stock reserved → payments, payment captured → orders (three publishes,
 * one subscriber each, though the hub also needs the order's status); and each of those four steps one
 * transaction of one statement (BEGIN, the statement, COMMIT).
 */
export const fewestPerOrder: OrderCrossings = { publishes: 3, deliveries: 3, invocations: 1, statements: 12 };

export interface OrderCrossings {
  publishes: number;
  deliveries: number;
  invocations: number;
  statements: number;
}

/** CPU in microseconds: per message of each measured hop, and per PostgreSQL statement. */
export interface CrossingCosts {
  /** One publish delivered to one subscriber. */
  publishToOne: number;
  /** One publish delivered to two subscribers. */
  publishToTwo: number;
  invocation: number;
  statement: number;
}

export interface OrdersCeiling {
  /** How many times each measured pub/sub row counts toward one order's publishes and deliveries. */
  publishToOneTimes: number;
  publishToTwoTimes: number;
  pubsubMicros: number;
  invocationMicros: number;
  statementMicros: number;
  /** Orders/s the cores carry on the sidecar crossings alone, and with the statements too. */
  meshOrdersPerSecond: number;
  withStatementsOrdersPerSecond: number;
}

/**
 * With P the cost of a publish and D that of a delivery, publishToOne = P + D and publishToTwo = P + 2D, so an
 * order's p·P + d·D is (2p − d)·publishToOne + (d − p)·publishToTwo: measured rows only, no split of P from D.
 */
export function ordersCeiling(cores: number, costs: CrossingCosts, crossings: OrderCrossings): OrdersCeiling {
  const publishToOneTimes = 2 * crossings.publishes - crossings.deliveries;
  const publishToTwoTimes = crossings.deliveries - crossings.publishes;
  if (publishToOneTimes < 0 || publishToTwoTimes < 0) {
    throw new Error('a mix of one- and two-subscriber rows covers p publishes with p to 2p deliveries only');
  }
  const pubsubMicros = publishToOneTimes * costs.publishToOne + publishToTwoTimes * costs.publishToTwo;
  const invocationMicros = crossings.invocations * costs.invocation;
  const statementMicros = crossings.statements * costs.statement;
  const capacityMicros = cores * 1_000_000;
  return {
    publishToOneTimes,
    publishToTwoTimes,
    pubsubMicros,
    invocationMicros,
    statementMicros,
    meshOrdersPerSecond: capacityMicros / (pubsubMicros + invocationMicros),
    withStatementsOrdersPerSecond: capacityMicros / (pubsubMicros + invocationMicros + statementMicros),
  };
}

type Roles = HopMeasurement['cpuMicros'];
const everyProcess = (c: Roles) => c.senderApp + c.senderDaprd + c.receiverApps + c.receiverDaprds + c.redis;
const sidecarsAndRedis = (c: Roles) => c.senderDaprd + c.receiverDaprds + c.redis;
const perMessage = (hop: HopMeasurement, part: (c: Roles) => number) => part(hop.cpuMicros) / hop.messages;

const micros = (value: number) => value.toFixed(0);
const ms = (value: number) => (value / 1000).toFixed(2);
const rate = (value: number) => Math.round(value).toLocaleString('en-US');

/** Prints the hops, then the ceiling they put on orders/s next to the orders measured in this run. */
export function printDaprCeiling(m: DaprCeilingMeasurements, daprOrders?: RateResult): void {
  const { concurrency, bulkConcurrency, bulkBatchSize, windowMessages } = ceilingSettings;
  console.log(
    '\n## Dapr ceiling: one hop through the sidecars with nothing behind it (trivial node:http apps, each with its ' +
      "own daprd; the project's components; Redis Streams)\n",
  );
  console.log(
    `${concurrency} sends in flight (bulk: ${bulkConcurrency} calls of ${bulkBatchSize}) until the time is up, a ` +
      `publisher at most ${rate(windowMessages)} messages ahead of its slowest subscriber; each message was counted ` +
      'by id at every receiver and arrived exactly once. CPU: utime+stime from /proc of every process on the path, ' +
      'from the first send to the last receipt, per message sent (a fan-out message is received twice).\n',
  );
  console.log(
    '| hop | messages/s | received/s | sender app µs | sender daprd µs | receiver app(s) µs | receiver daprd(s) µs | redis µs | total µs per message | send p50 / p99 ms | messages per delivery request |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const hop of [m.single, m.fanOut, m.invoke, m.bulkPublish, m.bulkFull, m.bulkComponent]) {
    const c = hop.cpuMicros;
    const per = (value: number) => micros(value / hop.messages);
    console.log(
      `| ${hop.name} | ${rate(hop.messages / hop.seconds)} | ${rate(hop.deliveries / hop.seconds)} | ` +
        `${per(c.senderApp)} | ${per(c.senderDaprd)} | ${per(c.receiverApps)} | ${per(c.receiverDaprds)} | ` +
        `${hop.kind === 'invoke' ? '-' : per(c.redis)} | **${per(everyProcess(c))}** | ` +
        `${hop.p50Ms.toFixed(1)} / ${hop.p99Ms.toFixed(1)} | ${(hop.deliveries / hop.deliveryRequests).toFixed(1)} |`,
    );
  }
  console.log(
    `\nIdle, the seven processes together use ${ms(m.idleMicrosPerSecond)} ms of CPU per second (in the figures above ` +
      'too, as in the platform).',
  );
  const pg = m.postgres;
  console.log(
    `Minimal PostgreSQL statement: the raw baseline's transaction (BEGIN, guarded UPDATE, INSERT, COMMIT) through pg, ` +
      `${concurrency} concurrent, before the processes above started: ${rate(pg.statementsPerSecond)} statements/s, ` +
      `${micros(pg.serverMicros)} µs server + ${micros(pg.clientMicros)} µs client CPU per statement.`,
  );

  const crossings = countedPerOrder;
  const costsBy = (part: (c: Roles) => number, statement: number): CrossingCosts => ({
    publishToOne: perMessage(m.single, part),
    publishToTwo: perMessage(m.fanOut, part),
    invocation: perMessage(m.invoke, part),
    statement,
  });
  const all = ordersCeiling(m.cores, costsBy(everyProcess, pg.serverMicros + pg.clientMicros), crossings);
  const sidecars = ordersCeiling(m.cores, costsBy(sidecarsAndRedis, pg.serverMicros), crossings);
  const costs = costsBy(everyProcess, 0);
  const bulkShare = perMessage(m.bulkComponent, everyProcess) / costs.publishToOne;
  console.log(
    `\n**Ceiling:** one order crosses the sidecars ${crossings.publishes}+${crossings.deliveries}+${crossings.invocations} ` +
      `times (counted: ${crossings.publishes} publishes, ${crossings.deliveries} deliveries, ${crossings.invocations} ` +
      `invocations). At the CPU per crossing measured here, ${all.publishToOneTimes}×${micros(costs.publishToOne)} + ` +
      `${all.publishToTwoTimes}×${micros(costs.publishToTwo)} + ${crossings.invocations}×${micros(costs.invocation)} µs = ` +
      `**${ms(all.pubsubMicros + all.invocationMicros)} ms per order**, so the machine's ${m.cores} cores carry at most ` +
      `**${rate(all.meshOrdersPerSecond)} orders/s** with no application or database work at all ` +
      `(${rate(sidecars.meshOrdersPerSecond)}/s counting the daprds and Redis alone, ` +
      `${ms(sidecars.pubsubMicros + sidecars.invocationMicros)} ms). With the ${crossings.statements} PostgreSQL ` +
      `statements an order makes, each at the minimal statement's CPU (${ms(all.statementMicros)} ms), at most ` +
      `**${rate(all.withStatementsOrdersPerSecond)} orders/s**.` +
      (daprOrders ? ` Measured through the Dapr topology in this run: ${daprOrders.perSecond} orders/s.` : '') +
      ' Goal: 800 orders/s.',
  );
  const fewest = ordersCeiling(m.cores, costsBy(everyProcess, pg.serverMicros + pg.clientMicros), fewestPerOrder);
  console.log(
    `\nEven a saga cut to the fewest crossings the contract allows (${fewestPerOrder.invocations} invocation, ` +
      `${fewestPerOrder.publishes} publishes with one subscriber each, ${fewestPerOrder.statements} minimal ` +
      `statements) would need ${ms(fewest.pubsubMicros + fewest.invocationMicros)} ms of sidecar CPU and ` +
      `${ms(fewest.statementMicros)} ms of statements per order: at most ` +
      `**${rate(fewest.withStatementsOrdersPerSecond)} orders/s** here before any application code, HTTP front door ` +
      'or load generator runs.',
  );
  console.log(
    `\nHow: ${m.cores} CPU-seconds per second ÷ CPU per order. With P a publish and D a delivery, the 1-subscriber ` +
      `row costs P + D and the 2-subscriber row P + 2D, so ${crossings.publishes}P + ${crossings.deliveries}D = ` +
      `${all.publishToOneTimes}·(1-subscriber row) + ${all.publishToTwoTimes}·(2-subscriber row); plus ` +
      `${crossings.invocations}·(invocation row) and ${crossings.statements}·(minimal statement). Every process on the ` +
      'path counts, the sending app (also the load generator) included; the real services, their HTTP front door, ' +
      'the outbox relay and the gateway need CPU on top, and TypeORM statements on wider rows cost more than the ' +
      'minimal ones, so the true ceiling is lower. Batching: with bulk publish and bulk subscribe a message with ' +
      `its delivery cost ` +
      `${micros(perMessage(m.bulkComponent, everyProcess))} µs, ${bulkShare.toFixed(2)} of a single one. pubsub.redis ` +
      'has no native bulk API: daprd writes each entry to Redis on its own and gathers a bulk delivery from the ' +
      `component's ${ceilingSettings.componentConcurrency} concurrent handlers, so batches asked to hold ` +
      `${ceilingSettings.bulkBatchSize} held ${(m.bulkFull.deliveries / m.bulkFull.deliveryRequests).toFixed(1)} on ` +
      `average, each sent when maxAwaitDurationMs (${ceilingSettings.bulkMaxAwaitMs} ms) ran out.`,
  );
}
