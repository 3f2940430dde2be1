// The last step of provisioning: `bonin install-service` (gateway/service/install.ts, issue 10)
// on the station file just written, its outcome as a report item.
import { installService } from '../service/install.ts';
import type { CheckResult } from './selftest-system.ts';

export function installServiceCheck(config: string, o: { unitDir?: string; user?: string } = {}): CheckResult {
  try {
    const r = installService({ config, user: o.user ?? 'bonin', unitDir: o.unitDir ?? '/etc/systemd/system', name: 'bonin', watchdogS: 120, memoryMax: '300M', cpuQuota: '50%' });
    // Lines about what is still to do (no systemd here, user missing) make it a remark, not a pass.
    const todo = r.said.filter((l) => !/^wrote |^enabled and started/.test(l));
    return { item: 'service install', verdict: todo.length ? 'warn' : 'pass', detail: r.said.join('; '), ...(todo.length ? { advice: todo.join('; ') } : {}) };
  } catch (e) {
    return { item: 'service install', verdict: 'fail', detail: (e as Error).message, advice: `run it as root: sudo bonin install-service --config ${config}` };
  }
}
