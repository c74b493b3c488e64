import { sectionData, type NetworkInterface, type TcpState } from '@sysray/proto';
import { formatByteRate } from '../../cli/render/format.js';
import { selectedOf } from '../state.js';
import {
  heading,
  matchesFilter,
  sectionProblem,
  sortKey,
  sparkOf,
  table,
  type Column,
  type ViewContext,
} from './context.js';
import { fitLine, formatBits, formatCount, formatRate, seg, type Line, type Segment } from './line.js';

const SORTERS: Record<string, (a: NetworkInterface, b: NetworkInterface) => number> = {
  rx: (a, b) =>
    (b.rates?.rxBytesPerSec ?? -1) - (a.rates?.rxBytesPerSec ?? -1) || a.name.localeCompare(b.name),
  tx: (a, b) =>
    (b.rates?.txBytesPerSec ?? -1) - (a.rates?.txBytesPerSec ?? -1) || a.name.localeCompare(b.name),
  name: (a, b) => a.name.localeCompare(b.name),
};

export function interfaceRows(ctx: ViewContext): NetworkInterface[] {
  const data = sectionData(ctx.frame.snapshot.sections.network);
  if (!data) return [];
  return data.interfaces
    .filter((i) => matchesFilter(ctx, i.name, i.kind, i.state, i.macAddress))
    .sort(SORTERS[sortKey(ctx) ?? 'rx'] ?? SORTERS.name);
}

const TCP_SHOWN: readonly TcpState[] = [
  'established',
  'listen',
  'syn_sent',
  'syn_recv',
  'time_wait',
  'close_wait',
  'fin_wait1',
  'fin_wait2',
  'last_ack',
  'closing',
];

/** The Network tab: interfaces with rates and errors, the selected one's history, TCP/UDP state. */
export function networkView(ctx: ViewContext): Line[] {
  const { theme } = ctx;
  const section = ctx.frame.snapshot.sections.network;
  const data = sectionData(section);
  if (!data) return sectionProblem(ctx, 'Network', section);
  const rows = interfaceRows(ctx);
  const errors = (i: NetworkInterface): number => i.counters.rxErrors + i.counters.txErrors;
  const drops = (i: NetworkInterface): number => i.counters.rxDrops + i.counters.txDrops;
  const columns: Column<NetworkInterface>[] = [
    { title: 'INTERFACE', width: 'flex', render: (i) => i.name },
    { title: 'KIND', width: 8, render: (i) => i.kind },
    {
      title: 'STATE',
      width: 7,
      render: (i) =>
        seg(i.state, i.state === 'up' ? theme.good : i.state === 'down' ? theme.bad : theme.text),
    },
    {
      title: 'SPEED',
      width: 5,
      align: 'right',
      minTerminal: 90,
      render: (i) => formatBits(i.speedBitsPerSec),
    },
    { title: 'RX', width: 10, align: 'right', render: (i) => formatByteRate(i.rates?.rxBytesPerSec) },
    { title: 'TX', width: 10, align: 'right', render: (i) => formatByteRate(i.rates?.txBytesPerSec) },
    {
      title: 'RXpkt',
      width: 7,
      align: 'right',
      minTerminal: 110,
      render: (i) => formatCount(i.rates?.rxPacketsPerSec),
    },
    {
      title: 'TXpkt',
      width: 7,
      align: 'right',
      minTerminal: 110,
      render: (i) => formatCount(i.rates?.txPacketsPerSec),
    },
    {
      title: 'ERRS',
      width: 6,
      align: 'right',
      render: (i) => seg(formatCount(errors(i)), errors(i) > 0 ? theme.warn : theme.text),
    },
    {
      title: 'DROPS',
      width: 6,
      align: 'right',
      minTerminal: 90,
      render: (i) => seg(formatCount(drops(i)), drops(i) > 0 ? theme.warn : theme.text),
    },
    {
      title: 'RX HISTORY',
      width: 16,
      minTerminal: 130,
      render: (i, w) => seg(sparkOf(ctx, `net.${i.name}.rxBytesPerSec`, w, { minMax: 1024 }), theme.graph),
    },
  ];
  const summary: Line[] = [];
  const tcp: Segment[] = [seg('tcp ', theme.accent, { bold: true })];
  for (const state of TCP_SHOWN) {
    const n = data.tcp.v4[state] + data.tcp.v6[state];
    if (n > 0 || state === 'established' || state === 'listen')
      tcp.push(seg(`${state} `, theme.dim), seg(`${n}  `));
  }
  summary.push(fitLine(tcp, ctx.width));
  const rates = data.protocolRates;
  summary.push(
    fitLine(
      [
        seg('udp ', theme.accent, { bold: true }),
        seg(`sockets ${data.udp.v4Sockets}+${data.udp.v6Sockets} v6  `, theme.dim),
        seg('retrans ', theme.dim),
        seg(
          `${formatRate(rates?.tcpRetransSegs)}  `,
          (rates?.tcpRetransSegs ?? 0) > 0 ? theme.warn : theme.text,
        ),
        seg('resets ', theme.dim),
        seg(`${formatRate(rates?.tcpEstabResets)}  `),
        seg('listen drops ', theme.dim),
        seg(
          `${formatRate(rates?.tcpListenDrops)}  `,
          (rates?.tcpListenDrops ?? 0) > 0 ? theme.bad : theme.text,
        ),
        seg('udp errors ', theme.dim),
        seg(formatRate(rates?.udpInErrors)),
      ],
      ctx.width,
    ),
  );
  const panelHeight = ctx.height >= 16 ? 4 : 0;
  const lines = table(ctx, columns, rows, ctx.height - summary.length - panelHeight);
  const selected = rows[Math.min(selectedOf(ctx.state), rows.length - 1)];
  if (panelHeight > 0 && selected) {
    const graphWidth = Math.max(4, ctx.width - 20);
    lines.push(
      heading(
        ctx,
        selected.name,
        [
          selected.macAddress ?? '',
          selected.mtu === null ? '' : `mtu ${selected.mtu}`,
          `speed ${formatBits(selected.speedBitsPerSec)}`,
        ]
          .filter((s) => s !== '')
          .join(' · '),
      ),
    );
    for (const [label, key, color, value] of [
      ['rx', `net.${selected.name}.rxBytesPerSec`, theme.graph, selected.rates?.rxBytesPerSec],
      ['tx', `net.${selected.name}.txBytesPerSec`, theme.graphAlt, selected.rates?.txBytesPerSec],
    ] as const) {
      lines.push(
        fitLine(
          [
            seg(label.padEnd(4), theme.dim),
            seg(formatByteRate(value).padStart(12)),
            seg('  '),
            seg(sparkOf(ctx, key, graphWidth, { minMax: 1024 }), color),
          ],
          ctx.width,
        ),
      );
    }
    lines.push([]);
  }
  lines.push(...summary);
  return lines.slice(0, ctx.height);
}
