import type { Command } from 'commander';
import { otherMatchesLabel, renderExplanation, renderExplanationList } from '../../explain/render.js';
import { allExplanations, explanationFor, searchExplanations } from '../../explain/search.js';
import { AUDIENCES, LANGS, type Audience, type Lang } from '../../explain/types.js';
import { CliError, type CliIO } from '../cli-io.js';
import { choiceOption, integerOption } from '../parse-values.js';

interface ExplainFlags {
  readonly lang?: Lang;
  readonly audience: Audience;
  readonly list?: boolean;
  readonly limit: number;
}

/** French when the locale says so (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX orders them). */
export function langFromEnv(env: Readonly<Record<string, string | undefined>>): Lang {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== '');
  return locale !== undefined && /^fr(?:[_.@-]|$)/i.test(locale) ? 'fr' : 'en';
}

export function registerExplainCommand(program: Command, io: CliIO): void {
  program
    .command('explain')
    .description(
      'what a metric, a Snapshot field or a concept means, where it comes from, and what to do about it',
    )
    .argument(
      '[term...]',
      'a metric (system.cpu.time), a Prometheus name, a field (memory.availableBytes) or words (page cache)',
    )
    .option('--lang <lang>', `language: ${LANGS.join(', ')} (default from LANG)`, choiceOption(LANGS))
    .option(
      '--audience <who>',
      `level of detail: ${AUDIENCES.join(', ')}`,
      choiceOption(AUDIENCES),
      'beginner',
    )
    .option('--list', 'list every entry')
    .option('--limit <n>', 'other matches shown after the best one', integerOption(0, 100), 5)
    .action((terms: string[], flags: ExplainFlags) => {
      const options = { lang: flags.lang ?? langFromEnv(io.env), audience: flags.audience };
      const width = Math.min(io.stdout.columns ?? 100, 100);
      if (flags.list) {
        io.stdout.write(renderExplanationList(allExplanations(options)));
        return;
      }
      const query = terms.join(' ').trim();
      if (query === '') throw new CliError('give a term to explain, or --list for every entry', 2);
      const exact = explanationFor(query, options);
      if (exact) {
        io.stdout.write(renderExplanation(exact, width));
        return;
      }
      const matches = searchExplanations(query, { ...options, limit: flags.limit + 1 });
      const [best, ...others] = matches;
      if (!best) {
        throw new CliError(`nothing matches ${JSON.stringify(query)} (try sysray explain --list)`);
      }
      io.stdout.write(renderExplanation(best.explanation, width));
      if (others.length > 0) {
        io.stdout.write(
          `\n${renderExplanationList(
            others.map((m) => m.explanation),
            otherMatchesLabel(options.lang),
          )}`,
        );
      }
    });
}
