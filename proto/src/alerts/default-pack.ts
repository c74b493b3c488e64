/**
 * The default rule pack, as YAML text (parsed by the gateway and the agent like any rule file). Each
 * threshold and its reason is documented in docs/alerts.md; keep the two in step.
 */
export const DEFAULT_PACK_YAML = `# Sysray default alert pack (docs/alerts.md explains every threshold).
rules:
  - name: HostDown
    severity: critical
    condition: { type: absence, subject: host, for: 2m }
    annotations: { summary: "{{hostname}} has not reported for {{value}} s" }

  - name: HighCpu
    severity: warning
    metric: system.cpu.utilization
    match: { cpu.mode: idle }
    transform: complement
    condition: { type: threshold, op: ">", value: 0.9, clear: 0.8 }
    for: 10m
    annotations: { summary: "CPU busy {{value}} on {{hostname}}" }

  - name: HighMemory
    severity: warning
    metric: system.memory.utilization
    match: { system.memory.state: used }
    condition: { type: threshold, op: ">", value: 0.9, clear: 0.85 }
    for: 5m
    annotations: { summary: "memory used {{value}} on {{hostname}}" }

  - name: SwapThrashing
    severity: warning
    metric: system.paging.operations
    match: { system.paging.direction: in }
    transform: rate
    aggregate: sum
    condition: { type: sustained, op: ">", value: 1000, samples: 4, of: 5, window: 10m }
    annotations: { summary: "{{value}} pages/s swapped in on {{hostname}}" }

  - name: FilesystemAlmostFull
    severity: warning
    metric: system.filesystem.utilization
    condition: { type: threshold, op: ">", value: 0.9, clear: 0.85 }
    for: 5m
    annotations: { summary: "{{labels.system.filesystem.mountpoint}} {{value}} full on {{hostname}}" }

  - name: FilesystemFillForecast
    severity: warning
    metric: system.filesystem.utilization
    condition: { type: forecast, limit: 1, within: 24h, window: 6h }
    for: 30m
    annotations: { summary: "{{labels.system.filesystem.mountpoint}} on {{hostname}} full in {{value}} s at this rate" }

  - name: InodesAlmostExhausted
    severity: warning
    metric: sysray.filesystem.inodes.usage
    match: { system.filesystem.state: used }
    per: { metric: sysray.filesystem.inodes.usage, match: { system.filesystem.state: free } }
    # used / free > 19 is used / (used + free) > 95 %.
    condition: { type: threshold, op: ">", value: 19 }
    for: 5m
    annotations: { summary: "{{labels.system.filesystem.mountpoint}} on {{hostname}} has under 5 % inodes free" }

  - name: CpuPressure
    severity: warning
    metric: sysray.pressure.stall.average
    match: { sysray.pressure.resource: cpu, sysray.pressure.kind: some, sysray.pressure.window: 60s }
    condition: { type: threshold, op: ">", value: 50, clear: 30 }
    for: 5m
    annotations: { summary: "CPU pressure some {{value}} % on {{hostname}}" }

  - name: MemoryPressure
    severity: warning
    metric: sysray.pressure.stall.average
    match: { sysray.pressure.resource: memory, sysray.pressure.kind: some, sysray.pressure.window: 60s }
    condition: { type: threshold, op: ">", value: 20, clear: 10 }
    for: 5m
    annotations: { summary: "memory pressure some {{value}} % on {{hostname}}" }

  - name: MemoryPressureFull
    severity: critical
    metric: sysray.pressure.stall.average
    match: { sysray.pressure.resource: memory, sysray.pressure.kind: full, sysray.pressure.window: 60s }
    condition: { type: threshold, op: ">", value: 10, clear: 5 }
    for: 2m
    annotations: { summary: "memory pressure full {{value}} % on {{hostname}}" }

  - name: IoPressure
    severity: warning
    metric: sysray.pressure.stall.average
    match: { sysray.pressure.resource: io, sysray.pressure.kind: some, sysray.pressure.window: 60s }
    condition: { type: threshold, op: ">", value: 40, clear: 25 }
    for: 5m
    annotations: { summary: "IO pressure some {{value}} % on {{hostname}}" }

  - name: IoPressureFull
    severity: critical
    metric: sysray.pressure.stall.average
    match: { sysray.pressure.resource: io, sysray.pressure.kind: full, sysray.pressure.window: 60s }
    condition: { type: threshold, op: ">", value: 20, clear: 10 }
    for: 5m
    annotations: { summary: "IO pressure full {{value}} % on {{hostname}}" }

  - name: CgroupMemoryNearLimit
    severity: warning
    metric: container.memory.usage
    per: sysray.cgroup.memory.limit
    condition: { type: threshold, op: ">", value: 0.9, clear: 0.85 }
    for: 5m
    annotations: { summary: "{{labels.sysray.cgroup.name}} at {{value}} of its memory limit on {{hostname}}" }

  - name: OomKills
    severity: critical
    metric: sysray.memory.oom_kills
    transform: rate
    condition: { type: threshold, op: ">", value: 0 }
    annotations: { summary: "the kernel OOM killer ran on {{hostname}}" }

  - name: CpuThrottling
    severity: warning
    metric: sysray.cgroup.cpu.throttled_periods
    transform: rate
    # More than 1 throttled period/s is > 10 % of the default 100 ms CFS periods.
    condition: { type: sustained, op: ">", value: 1, samples: 3, of: 4, window: 5m }
    annotations: { summary: "{{labels.sysray.cgroup.name}} throttled {{value}} periods/s on {{hostname}}" }

  - name: HighLoadPerCore
    severity: warning
    metric: sysray.system.load_average
    match: { sysray.load.window: 15m }
    per: system.cpu.logical.count
    condition: { type: threshold, op: ">", value: 2, clear: 1.5 }
    for: 15m
    annotations: { summary: "15-minute load {{value}} per CPU on {{hostname}}" }

  - name: ZombieProcesses
    severity: info
    metric: system.process.count
    match: { process.state: defunct }
    condition: { type: threshold, op: ">", value: 50 }
    for: 15m
    annotations: { summary: "{{value}} zombie processes on {{hostname}}" }

  - name: GpuSaturated
    severity: info
    metric: hw.gpu.utilization
    condition: { type: threshold, op: ">", value: 0.95, clear: 0.9 }
    for: 30m
    annotations: { summary: "GPU {{labels.hw.name}} at {{value}} on {{hostname}}" }

  - name: GpuMemoryAlmostFull
    severity: warning
    metric: hw.gpu.memory.utilization
    condition: { type: threshold, op: ">", value: 0.95, clear: 0.9 }
    for: 10m
    annotations: { summary: "GPU {{labels.hw.name}} memory {{value}} used on {{hostname}}" }

  - name: GpuHot
    severity: critical
    metric: sysray.gpu.temperature
    condition: { type: threshold, op: ">=", value: 85, clear: 80 }
    for: 5m
    annotations: { summary: "GPU {{labels.hw.name}} at {{value}} °C on {{hostname}}" }
`;
