import type { MetricName } from '@sysray/proto';
import type { MetricText } from '../types.js';
import { lv, text } from './helpers.js';

const GROUP_EN =
  'Per cgroup: containers, Kubernetes pods, systemd slices and services (cgroup v2 only). Compare with the limit the group was given.';
const GROUP_FR =
  'Par cgroup : conteneurs, pods Kubernetes, slices et services systemd (cgroup v2 seulement). Comparez avec la limite donnée au groupe.';

export const CGROUP_TEXTS = {
  'container.cpu.time': {
    en: text(
      'Container CPU time',
      lv(
        'How many seconds of processor time a container (or service) has used, in its code and in the kernel.',
        'user_usec and system_usec from <cgroup>/cpu.stat, converted to seconds, all tasks of the group and its descendants.',
      ),
      GROUP_EN,
      'Rate it to get CPUs used; compare with the CPU limit and the throttling counters before concluding the group needs more CPU.',
      ['container cpu', 'cpu.stat', 'usage_usec'],
    ),
    fr: text(
      'Temps CPU du conteneur',
      lv(
        "Le nombre de secondes de processeur qu'un conteneur (ou un service) a utilisées, dans son code et dans le noyau.",
        'user_usec et system_usec de <cgroup>/cpu.stat convertis en secondes, pour toutes les tâches du groupe et de ses descendants.',
      ),
      GROUP_FR,
      "Calculez le débit pour obtenir les CPU utilisés ; comparez avec la limite CPU et les compteurs de bridage avant de conclure qu'il faut plus de CPU.",
      ['cpu conteneur', 'cpu.stat', 'usage_usec'],
    ),
  },
  'container.cpu.usage': {
    en: text(
      'Container CPU usage',
      lv(
        'How many processors a container kept busy recently: 1 means one full core.',
        'Δusage_usec of <cgroup>/cpu.stat / interval, in CPUs.',
      ),
      lv(
        'Below the container’s CPU limit, with room for spikes.',
        'Usage close to limitCores together with a high throttledFraction means the quota is the bottleneck.',
      ),
      lv(
        'If a container always uses all the CPU it is allowed, it may need a higher limit.',
        'At the limit: check throttling; raise the CPU limit or reduce work; in Kubernetes, requests decide placement and limits enforce cpu.max.',
      ),
      ['cores used', 'container cpu usage', 'cpu cores'],
    ),
    fr: text(
      'Utilisation CPU du conteneur',
      lv(
        "Le nombre de processeurs qu'un conteneur a occupés récemment : 1 veut dire un cœur entier.",
        'Δusage_usec de <cgroup>/cpu.stat / intervalle, en CPU.',
      ),
      lv(
        'Sous la limite CPU du conteneur, avec de la marge pour les pics.',
        "Une utilisation proche de limitCores avec un throttledFraction élevé signifie que le quota est le goulet d'étranglement.",
      ),
      lv(
        'Si un conteneur utilise toujours tout le CPU auquel il a droit, il lui faut peut-être une limite plus haute.',
        'À la limite : vérifiez le bridage ; relevez la limite CPU ou réduisez le travail ; dans Kubernetes, les requests décident du placement et les limits imposent cpu.max.',
      ),
      ['cœurs utilisés', 'cpu conteneur', 'cœurs'],
    ),
    related: ['concept:throttling', 'sysray.cgroup.cpu.limit'],
  },
  'container.memory.usage': {
    en: text(
      'Container memory',
      lv(
        'How much memory a container (or service) is charged with, including file cache it caused.',
        'memory.current of the cgroup: anonymous memory, page cache, kernel memory and socket buffers charged to the group.',
      ),
      lv(
        'Below the memory limit; cache makes it look fuller than it is.',
        'memory.current near memory.max is normal when it is cache (it is reclaimed first); watch memory.events high/max and memory PSI for real pressure.',
      ),
      lv(
        'If it keeps reaching its limit, the container gets slow or killed: raise the limit or fix its memory use.',
        'Near the limit: split by type (anon vs file in memory.stat); anon growth means the app needs more or leaks; memory.high throttles before memory.max kills.',
      ),
      ['container memory', 'memory.current', 'working set'],
    ),
    fr: text(
      'Mémoire du conteneur',
      lv(
        "La mémoire imputée à un conteneur (ou un service), y compris le cache de fichiers qu'il a provoqué.",
        'memory.current du cgroup : mémoire anonyme, cache de pages, mémoire noyau et tampons de sockets imputés au groupe.',
      ),
      lv(
        "Sous la limite mémoire ; le cache le fait paraître plus plein qu'il n'est.",
        'memory.current proche de memory.max est normal si c’est du cache (récupéré en premier) ; surveillez memory.events high/max et le PSI mémoire pour une vraie pression.',
      ),
      lv(
        'S’il atteint sans cesse sa limite, le conteneur ralentit ou est tué : relevez la limite ou corrigez sa consommation.',
        'Près de la limite : séparez par type (anon et file dans memory.stat) ; une croissance anonyme signifie un besoin réel ou une fuite ; memory.high freine avant que memory.max ne tue.',
      ),
      ['mémoire conteneur', 'memory.current', 'working set'],
    ),
  },
  'container.disk.io': {
    en: text(
      'Container disk bytes',
      lv(
        'How much data a container read from and wrote to each disk.',
        'rbytes and wbytes per device from <cgroup>/io.stat.',
      ),
      GROUP_EN,
      'The container writing the most is the first suspect when disks are slow; cap it with io.max or weight it with io.weight.',
      ['io.stat', 'rbytes', 'wbytes', 'container io'],
    ),
    fr: text(
      'Octets disque du conteneur',
      lv(
        'La quantité de données qu’un conteneur a lues et écrites sur chaque disque.',
        'rbytes et wbytes par périphérique dans <cgroup>/io.stat.',
      ),
      GROUP_FR,
      'Le conteneur qui écrit le plus est le premier suspect quand les disques sont lents ; plafonnez-le avec io.max ou pondérez-le avec io.weight.',
      ['io.stat', 'rbytes', 'wbytes', 'io conteneur'],
    ),
  },
  'sysray.cgroup.disk.operations': {
    en: text(
      'Container disk operations',
      lv(
        'How many read and write requests a container sent to each disk.',
        'rios and wios per device from <cgroup>/io.stat.',
      ),
      GROUP_EN,
      'High request counts with small sizes are random IO; cap IOPS with io.max riops/wiops if one group starves the others.',
      ['rios', 'wios', 'container iops'],
    ),
    fr: text(
      'Opérations disque du conteneur',
      lv(
        "Le nombre de requêtes de lecture et d'écriture qu'un conteneur a envoyées à chaque disque.",
        'rios et wios par périphérique dans <cgroup>/io.stat.',
      ),
      GROUP_FR,
      'Beaucoup de petites requêtes, ce sont des IO aléatoires ; plafonnez les IOPS avec io.max riops/wiops si un groupe affame les autres.',
      ['rios', 'wios', 'iops conteneur'],
    ),
  },
  'sysray.cgroup.cpu.limit': {
    en: text(
      'Container CPU limit',
      lv(
        'The most processing power a container is allowed, in CPUs (2 means two full cores).',
        'cpu.max quota / period (e.g. "200000 100000" = 2 CPUs); absent for "max" (no limit).',
      ),
      'Set with care: a limit below the real need causes throttling, which slows requests even when the machine is idle.',
      'If the group is throttled, raise the limit (Kubernetes limits.cpu, systemd CPUQuota=) or remove it and rely on weights (cpu.weight).',
      ['cpu.max', 'cpu quota', 'cpu limit'],
    ),
    fr: text(
      'Limite CPU du conteneur',
      lv(
        'La puissance de calcul maximale accordée à un conteneur, en CPU (2 veut dire deux cœurs entiers).',
        'quota / période de cpu.max (par ex. « 200000 100000 » = 2 CPU) ; absente pour « max » (pas de limite).',
      ),
      'À régler avec soin : une limite sous le besoin réel provoque du bridage, qui ralentit les requêtes même quand la machine est au repos.',
      'Si le groupe est bridé, relevez la limite (limits.cpu de Kubernetes, CPUQuota= de systemd) ou supprimez-la et comptez sur les poids (cpu.weight).',
      ['cpu.max', 'quota cpu', 'limite cpu'],
    ),
    related: ['concept:throttling'],
  },
  'sysray.cgroup.cpu.periods': {
    en: text(
      'CPU enforcement periods',
      lv(
        'How many accounting periods (usually 100 ms each) passed while a limited container wanted CPU.',
        'nr_periods from <cgroup>/cpu.stat: cpu.max periods elapsed while the group had runnable tasks.',
      ),
      'Only meaningful with a CPU limit; the denominator of the throttled share.',
      'Compare throttled periods against it (see CPU throttling).',
      ['nr_periods', 'cfs period'],
    ),
    fr: text(
      'Périodes de contrôle CPU',
      lv(
        "Le nombre de périodes de comptage (100 ms en général) écoulées pendant qu'un conteneur limité voulait du CPU.",
        'nr_periods de <cgroup>/cpu.stat : périodes de cpu.max écoulées pendant que le groupe avait des tâches exécutables.',
      ),
      "N'a de sens qu'avec une limite CPU ; le dénominateur de la part bridée.",
      'Comparez-y les périodes bridées (voir le bridage CPU).',
      ['nr_periods', 'période cfs'],
    ),
  },
  'sysray.cgroup.cpu.throttled_periods': {
    en: text(
      'Throttled periods',
      lv(
        'How many of those periods the container hit its CPU limit and had to wait.',
        'nr_throttled from <cgroup>/cpu.stat; throttledFraction = Δnr_throttled / Δnr_periods.',
      ),
      lv(
        'Under a few percent of periods.',
        'throttledFraction under ~5%; bursty services (JVM GC, request spikes) throttle even at low average usage.',
      ),
      lv(
        'Frequent throttling makes the application slow: raise its CPU limit.',
        'Raise the limit or remove it, reduce parallelism (GOMAXPROCS, JVM ActiveProcessorCount) to fit the quota; check the period (cpu.max second field).',
      ),
      ['nr_throttled', 'throttling', 'cpu throttled'],
    ),
    fr: text(
      'Périodes bridées',
      lv(
        'Le nombre de ces périodes où le conteneur a atteint sa limite CPU et a dû attendre.',
        'nr_throttled de <cgroup>/cpu.stat ; throttledFraction = Δnr_throttled / Δnr_periods.',
      ),
      lv(
        'Moins de quelques pour cent des périodes.',
        'throttledFraction sous ~5 % ; les services en rafales (GC de la JVM, pics de requêtes) sont bridés même avec une faible moyenne.',
      ),
      lv(
        "Un bridage fréquent rend l'application lente : relevez sa limite CPU.",
        'Relevez ou supprimez la limite, réduisez le parallélisme (GOMAXPROCS, ActiveProcessorCount de la JVM) pour tenir dans le quota ; vérifiez la période (second champ de cpu.max).',
      ),
      ['nr_throttled', 'bridage', 'throttling'],
    ),
    related: ['concept:throttling'],
  },
  'sysray.cgroup.cpu.throttled_time': {
    en: text(
      'Throttled time',
      lv(
        'The total time a container’s tasks spent paused because of its CPU limit.',
        'throttled_usec from <cgroup>/cpu.stat, converted to seconds.',
      ),
      'Growing slowly or not at all; each second here is a second some request waited.',
      'See throttled periods: raise the CPU limit or reduce the parallelism of the application.',
      ['throttled_usec', 'throttling time'],
    ),
    fr: text(
      'Temps bridé',
      lv(
        'Le temps total pendant lequel les tâches d’un conteneur ont été suspendues à cause de sa limite CPU.',
        'throttled_usec de <cgroup>/cpu.stat, converti en secondes.',
      ),
      'Croît lentement ou pas du tout ; chaque seconde ici est une seconde où une requête a attendu.',
      "Voir les périodes bridées : relevez la limite CPU ou réduisez le parallélisme de l'application.",
      ['throttled_usec', 'temps de bridage'],
    ),
  },
  'sysray.cgroup.memory.limit': {
    en: text(
      'Container memory limit',
      lv(
        'The most memory a container may use before it is killed.',
        'memory.max of the cgroup; absent for "max" (no limit).',
      ),
      'Comfortably above the container’s peak anonymous memory.',
      'If the container gets OOM-killed at its limit, raise memory.max (Kubernetes limits.memory, systemd MemoryMax=) or reduce its memory use.',
      ['memory.max', 'memory limit'],
    ),
    fr: text(
      'Limite mémoire du conteneur',
      lv(
        "La mémoire maximale qu'un conteneur peut utiliser avant d'être tué.",
        'memory.max du cgroup ; absente pour « max » (pas de limite).',
      ),
      'Nettement au-dessus du pic de mémoire anonyme du conteneur.',
      "Si le conteneur est tué par l'OOM à sa limite, relevez memory.max (limits.memory de Kubernetes, MemoryMax= de systemd) ou réduisez sa consommation.",
      ['memory.max', 'limite mémoire'],
    ),
  },
  'sysray.cgroup.memory.swap.usage': {
    en: text(
      'Container swap',
      lv('How much of a container’s memory is in swap.', 'memory.swap.current of the cgroup.'),
      'Zero or small and stable for latency-sensitive services.',
      'Cap it with memory.swap.max (0 disables swap for the group) or give the group more memory.',
      ['memory.swap.current', 'container swap'],
    ),
    fr: text(
      'Swap du conteneur',
      lv("La part de la mémoire d'un conteneur qui se trouve en swap.", 'memory.swap.current du cgroup.'),
      'Nul ou faible et stable pour les services sensibles à la latence.',
      'Plafonnez-le avec memory.swap.max (0 interdit le swap au groupe) ou donnez plus de mémoire au groupe.',
      ['memory.swap.current', 'swap conteneur'],
    ),
  },
  'sysray.cgroup.memory.usage_by_type': {
    en: text(
      'Container memory by type',
      lv(
        'What a container’s memory is made of: program data, file cache, kernel memory, network buffers, shared memory.',
        'anon, file, kernel, sock and shmem from <cgroup>/memory.stat.',
      ),
      'anon is what the application really needs; file is cache the kernel can reclaim.',
      lv(
        'If program data (anon) grows without end, the application is leaking memory.',
        'anon growth → leak or real need; kernel growth → many sockets, inodes or page tables; shmem → tmpfs (including /dev/shm) charged to the group.',
      ),
      ['memory.stat', 'anon', 'file', 'kernel', 'sock', 'shmem'],
    ),
    fr: text(
      'Mémoire du conteneur par type',
      lv(
        "La composition de la mémoire d'un conteneur : données du programme, cache de fichiers, mémoire noyau, tampons réseau, mémoire partagée.",
        'anon, file, kernel, sock et shmem de <cgroup>/memory.stat.',
      ),
      "anon est ce dont l'application a vraiment besoin ; file est du cache que le noyau peut récupérer.",
      lv(
        "Si les données du programme (anon) grossissent sans fin, l'application a une fuite de mémoire.",
        'anon en hausse → fuite ou besoin réel ; kernel en hausse → beaucoup de sockets, d’inodes ou de tables de pages ; shmem → tmpfs (y compris /dev/shm) imputé au groupe.',
      ),
      ['memory.stat', 'anon', 'file', 'kernel', 'sock', 'shmem'],
    ),
  },
  'sysray.cgroup.memory.events': {
    en: text(
      'Container memory events',
      lv(
        'How many times a container went over its memory thresholds, ran out of memory, or had a program killed.',
        'low, high, max, oom and oom_kill counts from <cgroup>/memory.events.',
      ),
      lv(
        'oom and oom_kill at zero; high and max rarely moving.',
        'high counts throttled reclaim above memory.high; max counts hits of memory.max; oom_kill counts kills inside the group.',
      ),
      lv(
        'Every OOM kill is a crash of something in the container: raise its memory limit or fix its memory use.',
        'oom_kill > 0: raise memory.max or fix the leak; frequent high events: memory.high is too low and slows the group down.',
      ),
      ['memory.events', 'oom_kill', 'oomkilled', 'memory.high'],
    ),
    fr: text(
      'Événements mémoire du conteneur',
      lv(
        'Le nombre de fois où un conteneur a dépassé ses seuils mémoire, manqué de mémoire ou vu un programme tué.',
        'Compteurs low, high, max, oom et oom_kill de <cgroup>/memory.events.',
      ),
      lv(
        'oom et oom_kill à zéro ; high et max qui bougent rarement.',
        'high compte la récupération freinée au-dessus de memory.high ; max les atteintes de memory.max ; oom_kill les processus tués dans le groupe.',
      ),
      lv(
        "Chaque OOM kill est le plantage d'un programme du conteneur : relevez sa limite mémoire ou corrigez sa consommation.",
        'oom_kill > 0 : relevez memory.max ou corrigez la fuite ; événements high fréquents : memory.high est trop bas et ralentit le groupe.',
      ),
      ['memory.events', 'oom_kill', 'oomkilled', 'memory.high'],
    ),
    related: ['concept:oom-kill'],
  },
  'sysray.cgroup.pids.usage': {
    en: text(
      'Container tasks',
      lv(
        'How many processes and threads a container is running.',
        'pids.current of the cgroup: tasks (processes and threads) in the group and its descendants.',
      ),
      'Well under pids.max.',
      'Growth towards the limit: a fork or thread leak; at the limit, fork/clone fail with EAGAIN inside the container.',
      ['pids.current', 'tasks', 'container processes'],
    ),
    fr: text(
      'Tâches du conteneur',
      lv(
        "Le nombre de processus et de threads qu'un conteneur fait tourner.",
        'pids.current du cgroup : tâches (processus et threads) du groupe et de ses descendants.',
      ),
      'Bien sous pids.max.',
      'Une croissance vers la limite : fuite de processus ou de threads ; à la limite, fork/clone échouent avec EAGAIN dans le conteneur.',
      ['pids.current', 'tâches', 'processus conteneur'],
    ),
  },
  'sysray.cgroup.pids.limit': {
    en: text(
      'Container task limit',
      lv('The most processes and threads a container may have.', 'pids.max of the cgroup; absent for "max".'),
      'Comfortably above the normal task count; it protects the host from fork bombs.',
      'Raise it (systemd TasksMax=, Kubernetes podPidsLimit) only after checking the growth is legitimate.',
      ['pids.max', 'tasksmax', 'fork bomb'],
    ),
    fr: text(
      'Limite de tâches du conteneur',
      lv(
        "Le nombre maximal de processus et de threads d'un conteneur.",
        'pids.max du cgroup ; absente pour « max ».',
      ),
      "Nettement au-dessus du nombre habituel de tâches ; elle protège l'hôte des fork bombs.",
      'Relevez-la (TasksMax= de systemd, podPidsLimit de Kubernetes) seulement après avoir vérifié que la croissance est légitime.',
      ['pids.max', 'tasksmax', 'fork bomb'],
    ),
  },
  'sysray.cgroup.pressure.stall.average': {
    en: text(
      'Container pressure (PSI)',
      lv(
        'The share of time a container’s programs were held up waiting for CPU, memory or disk, in percent.',
        'avg10/avg60/avg300 of the some and full lines of <cgroup>/cpu.pressure, memory.pressure and io.pressure (Linux 4.20+, cgroup v2).',
      ),
      lv(
        'Near 0%. A few percent is tolerable.',
        'some avg10 under ~10%, full near 0; a group’s cpu pressure includes its own throttling.',
      ),
      lv(
        'High values say which resource this container is short of: give it more of that resource.',
        'cpu some high → throttled or CPU-starved (check cpu.max and host CPU); memory → near memory.high/max or host pressure; io → disk contention (io.max, io.weight).',
      ),
      ['psi', 'container pressure', 'cpu.pressure', 'memory.pressure', 'io.pressure'],
    ),
    fr: text(
      'Pression du conteneur (PSI)',
      lv(
        "La part du temps où les programmes d'un conteneur ont été retardés en attendant le CPU, la mémoire ou le disque, en pour cent.",
        'avg10/avg60/avg300 des lignes some et full de <cgroup>/cpu.pressure, memory.pressure et io.pressure (Linux 4.20+, cgroup v2).',
      ),
      lv(
        'Proche de 0 %. Quelques pour cent restent tolérables.',
        'some avg10 sous ~10 %, full proche de 0 ; la pression cpu d’un groupe inclut son propre bridage.',
      ),
      lv(
        'Des valeurs élevées disent de quelle ressource ce conteneur manque : donnez-lui davantage de cette ressource.',
        'cpu some élevé → bridé ou affamé de CPU (vérifiez cpu.max et le CPU de l’hôte) ; memory → proche de memory.high/max ou pression de l’hôte ; io → contention disque (io.max, io.weight).',
      ),
      ['psi', 'pression conteneur', 'cpu.pressure', 'memory.pressure', 'io.pressure'],
    ),
    related: ['concept:psi'],
  },
  'sysray.cgroup.pressure.stall.time': {
    en: text(
      'Container stall time (PSI)',
      lv(
        'The total time a container’s programs were held up waiting for CPU, memory or disk.',
        'total= of the some and full lines of the cgroup pressure files, microseconds converted to seconds.',
      ),
      'Growing slowly; its rate is the stall share over any window you choose.',
      'See container pressure: the resource whose stall time grows fastest is the one to give more of.',
      ['psi total', 'stall time'],
    ),
    fr: text(
      'Temps de blocage du conteneur (PSI)',
      lv(
        "Le temps total pendant lequel les programmes d'un conteneur ont été retardés en attendant le CPU, la mémoire ou le disque.",
        'total= des lignes some et full des fichiers de pression du cgroup, microsecondes converties en secondes.',
      ),
      'Croît lentement ; son débit donne la part de blocage sur la fenêtre de votre choix.',
      'Voir la pression du conteneur : la ressource dont le temps de blocage croît le plus vite est celle à augmenter.',
      ['psi total', 'temps de blocage'],
    ),
  },
} satisfies { readonly [K in MetricName]?: MetricText };
