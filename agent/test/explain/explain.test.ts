import { describe, expect, it } from 'vitest';
import { METRIC_CATALOG } from '@sysray/proto';
import { EXPLAIN_ENTRIES, entryById } from '../../src/explain/catalog.js';
import { renderExplanation } from '../../src/explain/render.js';
import {
  canonical,
  editDistance,
  explanationFor,
  searchExplanations,
  words,
} from '../../src/explain/search.js';
import { AUDIENCES, LANGS } from '../../src/explain/types.js';

describe('explain catalog coverage', () => {
  it('explains every metric of METRIC_CATALOG in English and French, for beginners and experts', () => {
    expect(METRIC_CATALOG.length).toBeGreaterThan(90);
    for (const metric of METRIC_CATALOG) {
      for (const lang of LANGS) {
        for (const audience of AUDIENCES) {
          const e = explanationFor(metric.name, { lang, audience });
          expect(e, `${metric.name} ${lang} ${audience}`).toBeDefined();
          expect(e!.id).toBe(metric.name);
          for (const field of ['title', 'what', 'healthy', 'action'] as const) {
            expect(e![field].trim().length, `${metric.name} ${lang} ${audience} ${field}`).toBeGreaterThan(3);
          }
          // Where it comes from is the catalog's own source, so it cannot drift from the metric.
          expect(e!.source).toEqual(metric.source);
          expect(e!.metric!.prometheus).toBe(metric.prometheus.name);
        }
      }
    }
  });

  it('has French that is not the English copied over, for every entry', () => {
    for (const entry of EXPLAIN_ENTRIES) {
      const en = entry.text.en;
      const fr = entry.text.fr;
      for (const field of ['what', 'healthy', 'action'] as const) {
        expect(JSON.stringify(fr[field]), `${entry.id} ${field}`).not.toBe(JSON.stringify(en[field]));
      }
      // Accented letters or French function words show the text is French.
      expect(/[éèàùçêâôîû]|\b(le|la|les|des|une?|est|pas)\b/i.test(JSON.stringify(fr)), entry.id).toBe(true);
    }
  });

  it('gives beginners and experts different text for the main metrics', () => {
    for (const name of [
      'system.cpu.utilization',
      'system.memory.usage',
      'sysray.pressure.stall.average',
      'sysray.system.load_average',
    ]) {
      const beginner = explanationFor(name, { audience: 'beginner' })!;
      const expert = explanationFor(name, { audience: 'expert' })!;
      expect(beginner.what).not.toBe(expert.what);
    }
  });

  it('links only to entries that exist, and has unique ids', () => {
    const ids = EXPLAIN_ENTRIES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of EXPLAIN_ENTRIES) {
      for (const related of entry.related)
        expect(entryById(related), `${entry.id} → ${related}`).toBeDefined();
    }
  });

  it('covers the concepts people ask about', () => {
    for (const term of [
      'psi',
      'steal',
      'iowait',
      'load average',
      'rss',
      'page cache',
      'throttling',
      'oom kill',
      'inodes',
      'swap',
      'zombie',
    ]) {
      expect(explanationFor(term)?.kind, term).toBe('concept');
    }
  });
});

describe('explanationFor', () => {
  it('finds entries by metric name, Prometheus name, Snapshot field and alias, ignoring case and separators', () => {
    expect(explanationFor('system_cpu_time_seconds_total')?.id).toBe('system.cpu.time');
    expect(explanationFor('SYSTEM.CPU.TIME')?.id).toBe('system.cpu.time');
    expect(explanationFor('memory.availableBytes')?.id).toBe('system.memory.linux.available');
    expect(explanationFor('cpu.cores[].times.steal')?.id).toBe('system.cpu.time');
    expect(explanationFor('cpu.utilization.busy')?.id).toBe('field:cpu-busy');
    expect(explanationFor('disks.devices[].rates.readAwaitMs')?.id).toBe('field:disk-await');
    expect(explanationFor('PSI')?.id).toBe('concept:psi');
    expect(explanationFor('concept:psi')?.id).toBe('concept:psi');
    expect(explanationFor('no such thing')).toBeUndefined();
    expect(explanationFor('   ')).toBeUndefined();
  });

  it('renders the chosen language and audience', () => {
    const fr = explanationFor('sysray.memory.oom_kills', { lang: 'fr', audience: 'expert' })!;
    expect(fr.title).toBe('Processus tués par l’OOM');
    expect(fr.related.map((r) => r.title)).toContain('OOM kill (tué faute de mémoire)');
  });
});

describe('searchExplanations', () => {
  const top = (query: string, lang: 'en' | 'fr' = 'en', n = 1): string[] =>
    searchExplanations(query, { lang, limit: n }).map((m) => m.explanation.id);

  it('ranks by words in names, titles and keywords', () => {
    expect(top('page cache')).toEqual(['concept:page-cache']);
    expect(top('listen queue overflow')).toEqual(['sysray.network.tcp.listen.overflows']);
    expect(top('tcp retransmissions')).toEqual(['sysray.network.tcp.retransmits']);
    expect(top('zombie processes')).toEqual(['concept:zombie']);
  });

  it('tolerates typos and accents', () => {
    expect(top('memroy avalable', 'en', 3)).toContain('system.memory.linux.available');
    expect(top('throtling', 'en', 3)).toContain('concept:throttling');
    expect(top('memoire disponible', 'fr', 3)).toContain('system.memory.linux.available');
  });

  it('searches French text when asked in French, and finds French words from an English search', () => {
    expect(top('température du GPU', 'fr')).toEqual(['sysray.gpu.temperature']);
    expect(top('vol de cpu', 'fr')).toEqual(['concept:steal']);
    expect(top('bridage', 'en', 3)).toContain('concept:throttling');
    // A query that is an entry's title word for word picks that entry.
    expect(top('mémoire disponible', 'fr')).toEqual(['system.memory.linux.available']);
  });

  it('puts an exact name first and returns nothing for noise', () => {
    const matches = searchExplanations('system.memory.usage');
    expect(matches[0]!.explanation.id).toBe('system.memory.usage');
    expect(matches[0]!.score).toBeGreaterThanOrEqual(100);
    expect(searchExplanations('qqqqzzzz')).toEqual([]);
    expect(searchExplanations('the of')).toEqual([]);
  });
});

describe('scorer helpers', () => {
  it('canonicalizes and splits words', () => {
    expect(canonical('Mémoire  Disponible_(MiB)')).toBe('memoire disponible mib');
    expect(words('The pages of the caches')).toEqual(['page', 'cache']);
  });

  it('computes edit distances with transpositions', () => {
    expect(editDistance('memory', 'memroy')).toBe(1);
    expect(editDistance('steal', 'steel')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abcdefgh', 2)).toBe(3);
  });
});

describe('renderExplanation', () => {
  it('shows the kernel source to beginners and the full mapping to experts', () => {
    const beginner = renderExplanation(explanationFor('system.cpu.time')!);
    expect(beginner).toContain('CPU time (system.cpu.time)');
    expect(beginner).toContain('Comes from: /proc/stat');
    expect(beginner).not.toContain('OpenTelemetry:');
    const expert = renderExplanation(explanationFor('system.cpu.time', { audience: 'expert' })!);
    expect(expert).toContain('Snapshot: cpu.cores[].times.user');
    expect(expert).toContain('OpenTelemetry: system.cpu.time (counter, unit s)');
    expect(expert).toContain('Prometheus: system_cpu_time_seconds_total');
    // Concepts have no single source; metrics the agent counts itself say so.
    expect(renderExplanation(explanationFor('concept:steal')!)).not.toContain('Comes from');
    expect(renderExplanation(explanationFor('sysray.export.failure')!)).toContain(
      'Comes from: the agent itself',
    );
    const french = renderExplanation(explanationFor('concept:psi', { lang: 'fr' })!);
    expect(french).toContain('De quoi il s’agit:');
    expect(french).toContain('Voir aussi: Pression (PSI) (sysray.pressure.stall.average)');
  });

  it('wraps long paragraphs to the width', () => {
    const text = renderExplanation(explanationFor('concept:page-cache')!, 60);
    for (const line of text.split('\n')) {
      if (line.startsWith('  ')) expect(line.length).toBeLessThanOrEqual(60);
    }
  });
});
