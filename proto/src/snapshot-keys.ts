import type { CpuTimes, TcpState } from './snapshot.js';

/** Every CPU mode in `/proc/stat` column order (Documentation/filesystems/proc.rst, "Miscellaneous kernel statistics"). */
export const CPU_MODES: readonly (keyof CpuTimes)[] = Object.freeze([
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
  'guest',
  'guestNice',
]);

/** Every TCP state, in the kernel's numbering order (include/net/tcp_states.h, 1 … 12). */
export const TCP_STATES: readonly TcpState[] = Object.freeze([
  'established',
  'syn_sent',
  'syn_recv',
  'fin_wait1',
  'fin_wait2',
  'time_wait',
  'close',
  'close_wait',
  'last_ack',
  'listen',
  'closing',
  'new_syn_recv',
]);

/** A count of zero for every TCP state. */
export function emptyTcpStateCounts(): { [K in TcpState]: number } {
  return Object.fromEntries(TCP_STATES.map((state) => [state, 0])) as { [K in TcpState]: number };
}
