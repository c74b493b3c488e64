import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG } from '@sysray/proto';
import { langFromEnv } from '../../src/cli/commands/explain.js';
import { runMain } from '../record/cli-helpers.js';

describe('sysray explain', () => {
  it('explains a metric by name', async () => {
    const result = await runMain(['explain', 'system.cpu.time']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^CPU time \(system\.cpu\.time\)\n/);
    expect(result.out).toContain('Comes from: /proc/stat');
  });

  it('searches words, in French when asked or when the locale is French', async () => {
    const fr = await runMain(['explain', 'cache', 'de', 'pages', '--lang', 'fr']);
    expect(fr.out).toMatch(/^Cache de pages\n/);
    expect(fr.out).toContain('Valeur saine:');
    const byLocale = await runMain(['explain', 'psi'], { LANG: 'fr_FR.UTF-8' });
    expect(byLocale.out).toMatch(/^PSI \(pressure stall information\)\n\nDe quoi il s’agit:/);
    expect(langFromEnv({ LC_ALL: 'C', LANG: 'fr_FR.UTF-8' })).toBe('en');
    expect(langFromEnv({ LC_MESSAGES: 'fr_CA' })).toBe('fr');
    expect(langFromEnv({})).toBe('en');
  });

  it('gives experts the kernel fields and names, and lists other matches after the best', async () => {
    const result = await runMain(['explain', 'tcp', 'retransmits', '--audience', 'expert', '--limit', '2']);
    expect(result.out).toContain('Prometheus: sysray_network_tcp_retransmits_total');
    expect(result.out).toContain('Snapshot: network.protocol.tcpRetransSegs');
    expect(result.out).toContain('Other matches:');
  });

  it('lists every entry', async () => {
    const result = await runMain(['explain', '--list']);
    const lines = result.out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(METRIC_CATALOG.length);
    expect(lines.some((l) => /^\s+concept:psi\s+PSI/.test(l))).toBe(true);
  });

  it('fails with one line when nothing matches or nothing is asked', async () => {
    const none = await runMain(['explain', 'qqqqzzzz']);
    expect(none).toMatchObject({
      code: 1,
      err: 'sysray: nothing matches "qqqqzzzz" (try sysray explain --list)\n',
    });
    const empty = await runMain(['explain']);
    expect(empty).toMatchObject({
      code: 2,
      err: 'sysray: give a term to explain, or --list for every entry\n',
    });
    const badLang = await runMain(['explain', 'psi', '--lang', 'de']);
    expect(badLang.code).toBe(2);
    expect(badLang.err.split('\n')[0]).toMatch(/^error: .*--lang.*must be one of en, fr/);
    expect((await runMain(['explain', 'psi', '--audience', 'guru'])).code).toBe(2);
  });
});
