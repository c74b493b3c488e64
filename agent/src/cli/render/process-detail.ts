import type { ProcessInfo } from '@sysray/proto';
import { formatByteRate, formatBytes, formatPercent, formatUptime } from './format.js';

/** The `watch` screen for one process: every detail field, one per line. */
export function renderProcessDetail(p: ProcessInfo, nowMs: number): string[] {
  const container = p.container;
  const owner = container?.containerId
    ? `${container.runtime ?? 'container'} ${container.containerId.slice(0, 12)}`
    : (container?.systemdUnit ?? '-');
  return [
    `pid ${p.pid}  ppid ${p.ppid}  ${p.name}  state ${p.state}  user ${p.user ?? p.uid ?? '?'}`,
    `command   ${p.command === '' ? `[${p.name}]` : p.command}`,
    `cpu       ${formatPercent(p.cpuPercent)} of one core  (${formatPercent(p.cpuPercentNormalized)} of all)  user ${p.userSeconds.toFixed(2)} s  system ${p.systemSeconds.toFixed(2)} s`,
    `memory    rss ${formatBytes(p.rssBytes)}  virtual ${formatBytes(p.virtualBytes)}  swap ${formatBytes(p.swapBytes)}`,
    `io        read ${formatByteRate(p.ioReadBytesPerSec)} (${formatBytes(p.ioReadBytes)} total)  write ${formatByteRate(p.ioWriteBytesPerSec)} (${formatBytes(p.ioWriteBytes)} total)`,
    `threads   ${p.threads}  open fds ${p.openFds ?? '-'}`,
    `started   ${new Date(p.startTime * 1000).toISOString()} (${formatUptime(nowMs / 1000 - p.startTime)} ago)`,
    `cgroup    ${p.cgroupPath ?? '-'}`,
    `owner     ${owner}${container?.podUid ? `  pod ${container.podUid}` : ''}`,
  ];
}
