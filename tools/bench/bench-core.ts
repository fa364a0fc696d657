/** The core as the benchmarks compose it: the service's own code with fixed bench settings. */
import type { Connection } from 'mongoose';
import pino from 'pino';
import type { Classifier } from '../../src/domain/classification';
import { systemClock, type Clock, type CoreLogger } from '../../src/domain/ports';
import { composeCore, type Core } from '../../src/server/compose-core';
import { PolicySlaPlanner } from '../../src/sla/sla-planner';

export function benchCore(conn: Connection, classifier: Classifier, logger: CoreLogger = pino({ level: 'silent' }), clock: Clock = systemClock): Core {
  return composeCore(
    conn,
    {
      timeZone: 'Asia/Shanghai',
      confidenceThreshold: 0.5,
      recurrenceWindowDays: 30,
      contactHashSecret: 'bench-secret-0123456789',
      auditSecret: 'bench-audit-secret-0123456789',
      lookupMaxFailures: 10,
      lookupLast4FreeFailures: 5,
      writeQueueLimit: 100_000,
      feedIntervalMs: 0,
    },
    { classifier, sla: PolicySlaPlanner.fromSettings({ preset: 'service', timeZone: 'Asia/Shanghai', region: 'CN' }), clock, logger },
  );
}
