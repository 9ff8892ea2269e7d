export { startSandbox, type SandboxDefinition, type SandboxContext, type RunningSandbox, type SandboxOptions } from './sandbox.js';
export { CallLog, type RecordedCall } from './call-log.js';
export { FaultInjector, faultSettings, defaultResponder, type FaultResponder, type FaultSettings } from './faults.js';
export { QuotaCounter, type QuotaLimits, type QuotaDecision } from './quota.js';
export { mountQuotaControl } from './quota-control.js';
export { stableFraction, stableInt, stablePick } from './deterministic.js';
export { sparseMode, sparsen, type SparseMode } from './sparse.js';
