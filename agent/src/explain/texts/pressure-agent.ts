import type { MetricName } from '@sysray/proto';
import type { MetricText } from '../types.js';
import { lv, text } from './helpers.js';

export const PRESSURE_AGENT_TEXTS = {
  'sysray.pressure.stall.average': {
    en: text(
      'Pressure stall (PSI)',
      lv(
        'The share of time programs were held up because the machine was short of CPU, memory, disk or interrupt time, in percent. The most direct measure of "the machine is struggling".',
        'avg10, avg60 and avg300 of /proc/pressure/{cpu,memory,io,irq} (Linux 4.20+; irq 6.1+): "some" = at least one task stalled, "full" = all non-idle tasks stalled at once, as percent of wall time.',
      ),
      lv(
        'Close to 0%. A few percent in short bursts is normal; sustained values above 10% mean the machine is slowing its work down.',
        'some avg10 under ~10% and full near 0. memory full or io full above a few percent means real lost throughput; cpu some tracks run-queue delay.',
      ),
      lv(
        'Look at which resource is under pressure and reduce what uses it most, or add more of it.',
        'cpu → find the CPU hogs, add CPUs; memory → reduce working sets, check reclaim and swap; io → find heavy IO (per process/cgroup), check device latency; use PSI triggers (poll on the file) to alert on stalls.',
      ),
      ['psi', 'pressure', 'stall', 'some', 'full', 'avg10', 'avg60', 'avg300'],
    ),
    fr: text(
      'Pression (PSI)',
      lv(
        "La part du temps où des programmes ont été retardés parce que la machine manquait de CPU, de mémoire, de disque ou de temps d'interruption, en pour cent. La mesure la plus directe de « la machine peine ».",
        'avg10, avg60 et avg300 de /proc/pressure/{cpu,memory,io,irq} (Linux 4.20+ ; irq 6.1+) : « some » = au moins une tâche bloquée, « full » = toutes les tâches non inactives bloquées en même temps, en pourcentage du temps réel.',
      ),
      lv(
        'Proche de 0 %. Quelques pour cent par brèves rafales sont normaux ; au-delà de 10 % en continu, la machine ralentit son travail.',
        'some avg10 sous ~10 % et full proche de 0. memory full ou io full au-dessus de quelques pour cent signifie une vraie perte de débit ; cpu some suit le retard de la file d’exécution.',
      ),
      lv(
        'Regardez quelle ressource est sous pression et réduisez ce qui la consomme le plus, ou ajoutez-en.',
        "cpu → trouvez les gros consommateurs, ajoutez des CPU ; memory → réduisez les jeux de travail, vérifiez récupération et swap ; io → trouvez les grosses IO (par processus, par cgroup), vérifiez la latence des périphériques ; les déclencheurs PSI (poll sur le fichier) permettent d'alerter sur les blocages.",
      ),
      ['psi', 'pression', 'blocage', 'some', 'full', 'avg10', 'avg60', 'avg300'],
    ),
    related: ['concept:psi'],
  },
  'sysray.pressure.stall.time': {
    en: text(
      'Pressure stall time (PSI)',
      lv(
        'The total time programs were held up waiting for CPU, memory, disk or interrupts since boot.',
        'total= of the some and full lines of /proc/pressure/*, microseconds converted to seconds.',
      ),
      'Its rate over a window is the stall share of that window; steady slow growth is fine.',
      'Use its rate for alerting over your own windows; see Pressure stall (PSI) for what to do.',
      ['psi total', 'stall time'],
    ),
    fr: text(
      'Temps de blocage (PSI)',
      lv(
        'Le temps total, depuis le démarrage, pendant lequel des programmes ont attendu le CPU, la mémoire, le disque ou les interruptions.',
        'total= des lignes some et full de /proc/pressure/*, microsecondes converties en secondes.',
      ),
      'Son débit sur une fenêtre est la part de blocage de cette fenêtre ; une croissance lente et régulière convient.',
      'Utilisez son débit pour alerter sur vos propres fenêtres ; voir Pression (PSI) pour savoir quoi faire.',
      ['psi total', 'temps de blocage'],
    ),
  },
  'sysray.collector.duration': {
    en: text(
      'Collector duration',
      lv(
        'How long Sysray took to read each kind of data in the last cycle.',
        'durationMs of each Snapshot section, exported in seconds per collector.',
      ),
      'Milliseconds for most collectors; processes and cgroups grow with their number.',
      lv(
        'If one collector becomes slow, the host may have very many processes or a slow filesystem.',
        'A slow filesystems collector usually means a hung network mount; a slow processes collector scales with /proc entries (lower processes.limit or raise the interval).',
      ),
      ['collector', 'scrape duration', 'agent'],
    ),
    fr: text(
      'Durée des collecteurs',
      lv(
        'Le temps que Sysray a mis à lire chaque type de données lors du dernier cycle.',
        'durationMs de chaque section du Snapshot, exporté en secondes par collecteur.',
      ),
      'Quelques millisecondes pour la plupart des collecteurs ; processes et cgroups grandissent avec leur nombre.',
      lv(
        'Si un collecteur devient lent, la machine a peut-être énormément de processus ou un système de fichiers lent.',
        "Un collecteur filesystems lent signale en général un montage réseau bloqué ; le collecteur processes suit le nombre d'entrées de /proc (baissez processes.limit ou allongez l'intervalle).",
      ),
      ['collecteur', 'durée', 'agent'],
    ),
  },
  'sysray.collector.success': {
    en: text(
      'Collector success',
      lv(
        'Whether Sysray managed to read each kind of data in the last cycle (1 yes, 0 no).',
        '1 when the section is ok or unsupported (absent is not failed), 0 when it is error; the section carries the message.',
      ),
      '1 for every collector.',
      'A 0: read the section message (`sysray snapshot` shows status and message per section); permissions (run as root or with CAP_SYS_PTRACE/CAP_DAC_READ_SEARCH) and host roots in containers are the usual causes.',
      ['collector status', 'up', 'scrape success'],
    ),
    fr: text(
      'Succès des collecteurs',
      lv(
        'Si Sysray a réussi à lire chaque type de données lors du dernier cycle (1 oui, 0 non).',
        "1 quand la section est ok ou unsupported (absent n'est pas en échec), 0 quand elle est en erreur ; la section porte le message.",
      ),
      '1 pour chaque collecteur.',
      "Un 0 : lisez le message de la section (`sysray snapshot` montre statut et message par section) ; les permissions (root ou CAP_SYS_PTRACE/CAP_DAC_READ_SEARCH) et les racines de l'hôte en conteneur sont les causes habituelles.",
      ['statut collecteur', 'up'],
    ),
    related: ['concept:section-status'],
  },
  'sysray.export.success': {
    en: text(
      'Successful exports',
      lv(
        'How many times the agent delivered its data to each destination.',
        'Exports that succeeded, per exporter (OTLP, NATS, …), counted by the agent runtime.',
      ),
      'Grows at the export interval.',
      'If it stops growing, look at export failures and the agent log.',
      ['exporter', 'otlp', 'nats', 'delivery'],
    ),
    fr: text(
      'Exports réussis',
      lv(
        "Le nombre de fois où l'agent a livré ses données à chaque destination.",
        "Exports réussis, par exporteur (OTLP, NATS, …), comptés par l'agent.",
      ),
      "Croît au rythme de l'intervalle d'export.",
      "S'il cesse de croître, regardez les échecs d'export et le journal de l'agent.",
      ['exporteur', 'otlp', 'nats', 'livraison'],
    ),
  },
  'sysray.export.failure': {
    en: text(
      'Failed exports',
      lv(
        'How many times the agent could not deliver its data, after retrying.',
        'Exports that failed after the exporter’s retries, per exporter.',
      ),
      'Zero, or rare blips during a backend restart.',
      lv(
        'Check that the destination (collector, gateway, NATS) is up and reachable.',
        'Check endpoint, TLS and credentials in the agent log; NATS exports spool to disk meanwhile, OTLP drops after retries (see dropped data points).',
      ),
      ['export errors', 'otlp failure'],
    ),
    fr: text(
      'Exports en échec',
      lv(
        "Le nombre de fois où l'agent n'a pas pu livrer ses données, après nouvelles tentatives.",
        "Exports échoués après les nouvelles tentatives de l'exporteur, par exporteur.",
      ),
      "Zéro, ou de rares accrocs pendant le redémarrage d'un serveur.",
      lv(
        'Vérifiez que la destination (collecteur, passerelle, NATS) fonctionne et est joignable.',
        "Vérifiez point d'accès, TLS et identifiants dans le journal de l'agent ; les exports NATS sont mis en file sur disque entre-temps, OTLP abandonne après les tentatives (voir les points de données perdus).",
      ),
      ["erreurs d'export", 'échec otlp'],
    ),
  },
  'sysray.export.dropped': {
    en: text(
      'Dropped data points',
      lv(
        'How many measurements were lost because they could not be delivered.',
        'Data points lost with failed exports, per exporter.',
      ),
      'Zero.',
      'Fix the export failures; for NATS, check the spool size limit; for OTLP, consider a local collector with a persistent queue.',
      ['data loss', 'dropped points'],
    ),
    fr: text(
      'Points de données perdus',
      lv(
        "Le nombre de mesures perdues parce qu'elles n'ont pas pu être livrées.",
        'Points de données perdus avec les exports échoués, par exporteur.',
      ),
      'Zéro.',
      "Corrigez les échecs d'export ; pour NATS, vérifiez la limite de taille de la file sur disque ; pour OTLP, envisagez un collecteur local avec une file persistante.",
      ['perte de données', 'points perdus'],
    ),
  },
} satisfies { readonly [K in MetricName]?: MetricText };
