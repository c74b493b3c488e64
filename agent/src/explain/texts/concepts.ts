import type { ConceptText } from '../types.js';
import { lv, text } from './helpers.js';

/** Concepts people ask about, and Snapshot fields that no single catalog metric explains. */
export const CONCEPT_TEXTS: readonly ConceptText[] = [
  {
    id: 'concept:psi',
    kind: 'concept',
    aliases: ['psi', 'pressure stall information', 'pressure'],
    en: text(
      'PSI (pressure stall information)',
      lv(
        'A kernel feature that measures how much time programs lose waiting for a resource they lack: CPU, memory, disk IO or interrupt handling. Unlike "how busy is it", it says "how much is work being delayed".',
        'Since Linux 4.20 (CONFIG_PSI; some distributions need psi=1), /proc/pressure/{cpu,memory,io} and, since 6.1, irq report "some" (≥1 task stalled) and "full" (all non-idle tasks stalled) as 10/60/300 s running averages plus a cumulative total in µs; cgroup v2 has the same files per group.',
      ),
      lv(
        'Near 0%; brief bursts are fine.',
        'some avg10 under ~10%, full near 0. Stalls are wall time, not CPU time, so 50% means half of the time something was waiting.',
      ),
      lv(
        'Find the resource under pressure and the programs using it most.',
        'Pair it with the resource’s own metrics (run queue, reclaim/swap, disk await) to find the cause; systemd-oomd and Android lmkd act on memory PSI.',
      ),
      ['pressure', 'stall', 'saturation'],
    ),
    fr: text(
      'PSI (pressure stall information)',
      lv(
        "Une fonction du noyau qui mesure le temps que les programmes perdent à attendre une ressource qui manque : CPU, mémoire, IO disque ou traitement des interruptions. Au lieu de « à quel point c'est occupé », elle dit « à quel point le travail est retardé ».",
        'Depuis Linux 4.20 (CONFIG_PSI ; certaines distributions demandent psi=1), /proc/pressure/{cpu,memory,io} et, depuis 6.1, irq donnent « some » (≥1 tâche bloquée) et « full » (toutes les tâches non inactives bloquées) en moyennes glissantes sur 10/60/300 s, plus un total cumulé en µs ; cgroup v2 a les mêmes fichiers par groupe.',
      ),
      lv(
        'Proche de 0 % ; de brèves rafales sont acceptables.',
        'some avg10 sous ~10 %, full proche de 0. Les blocages sont du temps réel, pas du temps CPU : 50 % veut dire que la moitié du temps quelque chose attendait.',
      ),
      lv(
        'Trouvez la ressource sous pression et les programmes qui l’utilisent le plus.',
        'Associez-la aux métriques propres de la ressource (file d’exécution, récupération et swap, latence disque) pour trouver la cause ; systemd-oomd et lmkd d’Android agissent sur le PSI mémoire.',
      ),
      ['pression', 'blocage', 'saturation'],
    ),
    related: ['sysray.pressure.stall.average', 'sysray.cgroup.pressure.stall.average'],
  },
  {
    id: 'concept:steal',
    kind: 'concept',
    aliases: ['steal', 'steal time', 'st', 'cpu steal'],
    en: text(
      'CPU steal',
      lv(
        'On a virtual machine, time when this machine wanted to run but the physical host gave the processor to another virtual machine.',
        'The steal column of /proc/stat: time a vCPU was runnable but the hypervisor ran something else (reported by paravirtualized clocks: KVM, Xen, Hyper-V, most clouds).',
      ),
      lv(
        'Under a few percent.',
        'Under ~2–5% of CPU; burstable instances (AWS T-series) show high steal once CPU credits run out.',
      ),
      lv(
        'High steal is outside your machine: move to a bigger or dedicated instance, or ask the provider.',
        'Check CPU credit balance on burstable types, host contention (noisy neighbours), or CPU overcommit on your own hypervisor; nothing inside the guest fixes it.',
      ),
      ['hypervisor', 'virtual machine', 'noisy neighbour', 'cpu credits'],
    ),
    fr: text(
      'Vol de CPU (steal)',
      lv(
        "Sur une machine virtuelle, le temps où cette machine voulait travailler mais où l'hôte physique a donné le processeur à une autre machine virtuelle.",
        "La colonne steal de /proc/stat : temps où un vCPU était exécutable mais où l'hyperviseur exécutait autre chose (rapporté par les horloges paravirtualisées : KVM, Xen, Hyper-V, la plupart des clouds).",
      ),
      lv(
        'Moins de quelques pour cent.',
        'Sous ~2–5 % du CPU ; les instances « burstable » (série T d’AWS) montrent beaucoup de steal une fois leurs crédits CPU épuisés.',
      ),
      lv(
        "Un steal élevé vient de l'extérieur de votre machine : passez à une instance plus grande ou dédiée, ou interrogez l'hébergeur.",
        'Vérifiez le solde de crédits CPU des instances burstable, la contention de l’hôte (voisins bruyants) ou la surallocation CPU de votre propre hyperviseur ; rien dans l’invité ne le corrige.',
      ),
      ['hyperviseur', 'machine virtuelle', 'voisin bruyant', 'crédits cpu', 'vol'],
    ),
    related: ['system.cpu.time', 'system.cpu.utilization'],
  },
  {
    id: 'concept:iowait',
    kind: 'concept',
    aliases: ['iowait', 'io wait', 'wa', 'cpu iowait'],
    en: text(
      'CPU iowait',
      lv(
        'Time a processor had nothing to do while some program was waiting for the disk. It is idle time, labelled as waiting for IO.',
        'The iowait column of /proc/stat: idle time on a CPU while a task that last ran there waits on block IO. It is idle time (the CPU can run other work) and it is unreliable per CPU on multi-core machines.',
      ),
      lv(
        'Low; a high iowait with idle CPUs means the disks are the bottleneck, not the processors.',
        'Treat it as a hint only: a busy CPU hides iowait; use PSI io and disk await/utilization to measure IO waiting.',
      ),
      lv(
        'Find which programs do the most disk IO and whether the disk is slow.',
        'Go to disk latency (await), utilization and PSI io; identify the IO-heavy processes or cgroups.',
      ),
      ['io wait', 'disk wait', 'wa'],
    ),
    fr: text(
      'Attente d’IO du CPU (iowait)',
      lv(
        "Le temps où un processeur n'avait rien à faire pendant qu'un programme attendait le disque. C'est du temps de repos, étiqueté « attente d'IO ».",
        "La colonne iowait de /proc/stat : temps d'inactivité d'un CPU pendant qu'une tâche qui y a tourné en dernier attend une IO bloc. C'est du repos (le CPU peut faire autre chose) et c'est peu fiable par CPU sur les machines multicœurs.",
      ),
      lv(
        'Faible ; un iowait élevé avec des CPU au repos signifie que les disques sont le goulet, pas les processeurs.',
        "Ne le prenez que comme un indice : un CPU occupé masque l'iowait ; mesurez l'attente d'IO avec PSI io et la latence/occupation des disques.",
      ),
      lv(
        'Trouvez les programmes qui font le plus d’IO disque et voyez si le disque est lent.',
        'Passez à la latence des disques (await), à leur occupation et à PSI io ; identifiez les processus ou cgroups les plus gourmands en IO.',
      ),
      ['attente io', 'attente disque', 'wa'],
    ),
    related: ['concept:psi', 'field:disk-await'],
  },
  {
    id: 'concept:load-average',
    kind: 'concept',
    aliases: ['load average', 'loadavg', 'load'],
    en: text(
      'Load average',
      lv(
        'A long-standing Unix measure of how much work is waiting: the average number of tasks running or waiting to run (and, on Linux, waiting for disk) over 1, 5 and 15 minutes.',
        'Exponentially damped moving averages of nr_running + nr_uninterruptible, updated every 5 s. Linux includes D-state tasks (since 1993), so it mixes CPU demand with IO and lock waits.',
      ),
      lv(
        'Under the number of CPUs.',
        'Compare load1 with logical CPUs; a rising 1-minute value above 5 and 15 shows a growing problem, a falling one a receding problem.',
      ),
      lv(
        'High load: check whether the CPUs are busy or waiting for disks.',
        'Split it: procsRunning vs procsBlocked (/proc/stat), PSI cpu vs io; stuck D tasks (NFS, failing disks) inflate load without using CPU.',
      ),
      ['uptime', 'run queue'],
    ),
    fr: text(
      'Charge moyenne',
      lv(
        "Une mesure Unix ancienne du travail en attente : le nombre moyen de tâches en exécution ou prêtes à s'exécuter (et, sous Linux, en attente du disque) sur 1, 5 et 15 minutes.",
        'Moyennes glissantes amorties exponentiellement de nr_running + nr_uninterruptible, mises à jour toutes les 5 s. Linux inclut les tâches en état D (depuis 1993) : elle mélange la demande CPU et les attentes d’IO ou de verrou.',
      ),
      lv(
        'Sous le nombre de CPU.',
        'Comparez load1 au nombre de CPU logiques ; une valeur sur 1 minute qui monte au-dessus de celles sur 5 et 15 signale un problème qui grandit, une valeur qui baisse un problème qui se résorbe.',
      ),
      lv(
        'Charge élevée : voyez si les CPU sont occupés ou s’ils attendent les disques.',
        'Décomposez-la : procsRunning contre procsBlocked (/proc/stat), PSI cpu contre io ; des tâches D bloquées (NFS, disques défaillants) gonflent la charge sans utiliser de CPU.',
      ),
      ['uptime', "file d'exécution", 'charge'],
    ),
    related: ['sysray.system.load_average', 'field:procs-running-blocked'],
  },
  {
    id: 'concept:rss',
    kind: 'concept',
    aliases: ['rss', 'resident set size', 'res', 'resident memory'],
    en: text(
      'RSS (resident set size)',
      lv(
        'The physical memory a program occupies right now. Shared libraries are counted in every program that uses them, so adding up RSS over-counts.',
        'Pages of the process mapped and present in RAM (anon + file + shmem), from /proc/<pid>/stat or status (VmRSS). PSS divides shared pages among sharers; USS counts only private pages.',
      ),
      'Stable for a steady workload; it grows with caches inside the program and with leaks.',
      lv(
        'A program whose RSS only grows is likely leaking memory.',
        'Use smaps_rollup (Rss/Pss/Anonymous) to see what grows; heap profilers per language; RSS can drop when the kernel reclaims file pages of the program.',
      ),
      ['memory of a process', 'vmrss', 'pss', 'uss'],
    ),
    fr: text(
      'RSS (mémoire résidente)',
      lv(
        "La mémoire physique qu'un programme occupe en ce moment. Les bibliothèques partagées comptent dans chaque programme qui les utilise : additionner les RSS surestime.",
        'Pages du processus projetées et présentes en RAM (anon + file + shmem), dans /proc/<pid>/stat ou status (VmRSS). La PSS répartit les pages partagées entre leurs utilisateurs ; l’USS ne compte que les pages privées.',
      ),
      'Stable pour une charge régulière ; elle grandit avec les caches internes du programme et avec les fuites.',
      lv(
        'Un programme dont la RSS ne fait que croître a probablement une fuite de mémoire.',
        'smaps_rollup (Rss/Pss/Anonymous) montre ce qui grossit ; utilisez les profileurs de tas de chaque langage ; la RSS peut baisser quand le noyau récupère des pages de fichiers du programme.',
      ),
      ['mémoire processus', 'vmrss', 'pss', 'uss', 'résidente'],
    ),
    related: ['process.memory.usage'],
  },
  {
    id: 'concept:page-cache',
    kind: 'concept',
    aliases: ['page cache', 'cache', 'cached', 'buffers', 'buff/cache'],
    en: text(
      'Page cache',
      lv(
        'Memory Linux uses to keep recently read or written file contents, so the next access does not touch the disk. It is given back to programs when they need memory, so a "full" memory that is mostly cache is healthy.',
        'File-backed pages in RAM (Cached in /proc/meminfo, plus Buffers for block device metadata). Clean pages are dropped under pressure; dirty pages must be written back first. MemAvailable counts the reclaimable part.',
      ),
      'Large is good: it means spare memory is being put to use. Worry only when available memory is low.',
      lv(
        'Nothing to do. Do not "drop caches" to free memory; it only makes the next file reads slower.',
        'Never `echo 3 > drop_caches` as a fix; if cache eviction hurts (major faults on hot files), the working set is larger than memory. In cgroups, cache counts toward memory.current and is reclaimed first.',
      ),
      ['file cache', 'disk cache', 'drop caches'],
    ),
    fr: text(
      'Cache de pages',
      lv(
        "La mémoire que Linux utilise pour garder le contenu des fichiers récemment lus ou écrits, afin que l'accès suivant ne touche pas le disque. Il est rendu aux programmes quand ils ont besoin de mémoire : une mémoire « pleine » surtout de cache est saine.",
        'Pages de fichiers en RAM (Cached dans /proc/meminfo, plus Buffers pour les métadonnées des périphériques bloc). Les pages propres sont abandonnées sous pression ; les pages sales doivent d’abord être écrites. MemAvailable en compte la partie récupérable.',
      ),
      'Un gros cache est bon signe : la mémoire inoccupée sert à quelque chose. Ne vous inquiétez que si la mémoire disponible est faible.',
      lv(
        'Rien à faire. Ne « videz pas les caches » pour libérer de la mémoire : les prochaines lectures de fichiers seront seulement plus lentes.',
        'Jamais `echo 3 > drop_caches` comme remède ; si l’éviction du cache fait mal (défauts majeurs sur des fichiers chauds), le jeu de travail dépasse la mémoire. Dans les cgroups, le cache compte dans memory.current et est récupéré en premier.',
      ),
      ['cache fichiers', 'cache disque', 'drop caches', 'cache'],
    ),
    related: ['sysray.memory.linux.usage', 'concept:available-memory'],
  },
  {
    id: 'concept:available-memory',
    kind: 'concept',
    aliases: ['available', 'memavailable', 'free memory'],
    en: text(
      'Free versus available memory',
      lv(
        '"Free" memory is memory nobody uses at all and is usually small on Linux; "available" also counts cache that can be given back, and is the number that tells whether memory is short.',
        'MemFree is unused pages; MemAvailable (3.14+) estimates allocatable memory without swapping: free above watermarks + reclaimable cache and slab. Sysray’s used = MemTotal − MemAvailable.',
      ),
      'Judge memory by available, not free.',
      lv(
        'If available memory is low, see which programs use the most memory.',
        'Low MemAvailable: see system.memory.linux.available.',
      ),
      ['free', 'memfree'],
    ),
    fr: text(
      'Mémoire libre et mémoire disponible',
      lv(
        "La mémoire « libre » est celle que personne n'utilise, et elle est en général faible sous Linux ; la mémoire « disponible » compte aussi le cache qui peut être rendu : c'est elle qui dit si la mémoire manque.",
        'MemFree, ce sont les pages inutilisées ; MemAvailable (3.14+) estime la mémoire allouable sans swap : libre au-dessus des seuils + cache et slab récupérables. Dans Sysray, used = MemTotal − MemAvailable.',
      ),
      'Jugez la mémoire sur la disponible, pas sur la libre.',
      lv(
        'Si la mémoire disponible est faible, voyez quels programmes en utilisent le plus.',
        'MemAvailable faible : voir system.memory.linux.available.',
      ),
      ['libre', 'disponible', 'memfree'],
    ),
    related: ['system.memory.linux.available', 'concept:page-cache'],
  },
  {
    id: 'concept:swap',
    kind: 'concept',
    aliases: ['swap', 'swapping', 'paging'],
    en: text(
      'Swap',
      lv(
        'Disk space used as overflow for memory. Rarely used memory can be moved there to make room; reading it back is slow.',
        'Anonymous pages written to swap devices/files (or zram) under reclaim, balanced against page cache by vm.swappiness; cgroup v2 limits it per group with memory.swap.max.',
      ),
      'Some swap used and idle is fine; constant swapping in and out (thrashing) is not.',
      lv(
        'If the machine swaps all the time, it needs more memory or less work.',
        'Watch pswpin/pswpout rates and PSI memory, not swap used; see system.paging.operations.',
      ),
      ['paging', 'thrashing', 'zram'],
    ),
    fr: text(
      'Swap (espace d’échange)',
      lv(
        "De l'espace disque utilisé comme débordement de la mémoire. La mémoire peu utilisée peut y être déplacée pour faire de la place ; la relire est lent.",
        'Pages anonymes écrites sur des périphériques ou fichiers de swap (ou zram) lors de la récupération, en arbitrage avec le cache selon vm.swappiness ; cgroup v2 le limite par groupe avec memory.swap.max.',
      ),
      'Un peu de swap utilisé et immobile convient ; des entrées et sorties permanentes (thrashing) non.',
      lv(
        'Si la machine utilise le swap en permanence, il lui faut plus de mémoire ou moins de travail.',
        'Surveillez les débits pswpin/pswpout et PSI memory, pas le swap utilisé ; voir system.paging.operations.',
      ),
      ['pagination', 'thrashing', 'zram', 'échange'],
    ),
    related: ['system.paging.usage', 'system.paging.operations'],
  },
  {
    id: 'concept:major-fault',
    kind: 'concept',
    aliases: ['major fault', 'majflt', 'page fault'],
    en: text(
      'Major page faults',
      lv(
        'When a program touches memory whose content is on disk (in swap, or a program file not in memory), it must wait for the disk: that is a major fault.',
        'A fault that requires IO to satisfy (swap-in or reading a file-backed page); minor faults map a page already in memory. Counted in pgmajfault (/proc/vmstat) and per process (majflt in /proc/<pid>/stat).',
      ),
      'Rare after startup.',
      lv(
        'Many major faults: the machine lacks memory.',
        'Sustained major faults with reclaim activity: working set exceeds memory; see system.paging.faults.',
      ),
      ['majflt', 'pgmajfault'],
    ),
    fr: text(
      'Défauts de page majeurs',
      lv(
        "Quand un programme touche de la mémoire dont le contenu est sur disque (dans le swap, ou un fichier de programme absent de la mémoire), il doit attendre le disque : c'est un défaut majeur.",
        'Un défaut qui demande une IO pour être résolu (lecture du swap ou d’une page de fichier) ; un défaut mineur projette une page déjà en mémoire. Compté dans pgmajfault (/proc/vmstat) et par processus (majflt dans /proc/<pid>/stat).',
      ),
      'Rares après le démarrage.',
      lv(
        'Beaucoup de défauts majeurs : la machine manque de mémoire.',
        'Défauts majeurs soutenus avec activité de récupération : le jeu de travail dépasse la mémoire ; voir system.paging.faults.',
      ),
      ['majflt', 'pgmajfault', 'faute de page'],
    ),
    related: ['system.paging.faults'],
  },
  {
    id: 'concept:oom-kill',
    kind: 'concept',
    aliases: ['oom', 'oom kill', 'out of memory', 'oom killer', 'oomkilled'],
    en: text(
      'OOM kill',
      lv(
        'When memory runs out completely, the kernel kills a program to save the rest of the system. "OOMKilled" in Kubernetes means exactly this, at the container’s limit.',
        'The OOM killer picks the task with the highest oom_score (memory footprint adjusted by oom_score_adj) in the exhausted scope — the whole system or a cgroup at memory.max — and sends SIGKILL; the kernel log records the victim and memory state.',
      ),
      'Never.',
      lv(
        'Find the killed program in the system log and why its memory grew; raise its limit or add memory.',
        'Read `journalctl -k | grep -i oom`; for containers, memory.events oom_kill and the pod’s last state; fix leaks, size limits to peak anon memory, protect critical services with oom_score_adj or memory.min.',
      ),
      ['killed', 'oomkilled', 'sigkill', 'memory exhausted'],
    ),
    fr: text(
      'OOM kill (tué faute de mémoire)',
      lv(
        "Quand la mémoire est totalement épuisée, le noyau tue un programme pour sauver le reste du système. « OOMKilled » dans Kubernetes, c'est exactement cela, à la limite du conteneur.",
        "Le tueur OOM choisit la tâche au plus fort oom_score (empreinte mémoire ajustée par oom_score_adj) dans la portée épuisée — tout le système ou un cgroup à memory.max — et lui envoie SIGKILL ; le journal du noyau note la victime et l'état de la mémoire.",
      ),
      'Jamais.',
      lv(
        'Trouvez le programme tué dans le journal système et pourquoi sa mémoire a grossi ; relevez sa limite ou ajoutez de la mémoire.',
        'Lisez `journalctl -k | grep -i oom` ; pour les conteneurs, memory.events (oom_kill) et le dernier état du pod ; corrigez les fuites, dimensionnez les limites sur le pic de mémoire anonyme, protégez les services critiques avec oom_score_adj ou memory.min.',
      ),
      ['tué', 'oomkilled', 'sigkill', 'mémoire épuisée'],
    ),
    related: ['sysray.memory.oom_kills', 'sysray.cgroup.memory.events'],
  },
  {
    id: 'concept:throttling',
    kind: 'concept',
    aliases: [
      'throttling',
      'cpu throttling',
      'throttled',
      'throttledfraction',
      'cgroups.groups[].cpu.throttledFraction',
    ],
    en: text(
      'CPU throttling',
      lv(
        'When a container has a CPU limit and uses it up before the end of a short period (100 ms by default), its programs are paused until the next period, even if the machine has idle processors. Requests get slower in bursts.',
        'CFS bandwidth control: cpu.max "quota period"; once the group consumed quota within a period its tasks are dequeued until refill. Visible as nr_throttled/nr_periods and throttled_usec in cpu.stat; throttledFraction = Δnr_throttled / Δnr_periods.',
      ),
      lv(
        'Rarely throttled (a few percent of periods at most).',
        'throttledFraction under ~5%; multi-threaded apps burn quota in parallel (8 threads × 12.5 ms = a 1-CPU quota gone in 12.5 ms).',
      ),
      lv(
        'Raise the CPU limit of the container or remove it.',
        'Raise or drop the limit (keep requests for scheduling), match runtime parallelism to the quota, or lengthen the period; watch p99 latency rather than average CPU.',
      ),
      ['cfs quota', 'cpu.max', 'nr_throttled', 'cpu limit'],
    ),
    fr: text(
      'Bridage CPU (throttling)',
      lv(
        "Quand un conteneur a une limite CPU et l'épuise avant la fin d'une courte période (100 ms par défaut), ses programmes sont suspendus jusqu'à la période suivante, même si la machine a des processeurs libres. Les requêtes ralentissent par à-coups.",
        'Contrôle de bande passante CFS : cpu.max « quota période » ; une fois le quota consommé dans la période, les tâches du groupe sont retirées de la file jusqu’au remplissage. Visible dans nr_throttled/nr_periods et throttled_usec de cpu.stat ; throttledFraction = Δnr_throttled / Δnr_periods.',
      ),
      lv(
        'Rarement bridé (quelques pour cent des périodes au plus).',
        'throttledFraction sous ~5 % ; les applications multithreads consomment le quota en parallèle (8 threads × 12,5 ms = un quota d’un CPU épuisé en 12,5 ms).',
      ),
      lv(
        'Relevez la limite CPU du conteneur ou supprimez-la.',
        'Relevez ou supprimez la limite (gardez les requests pour le placement), adaptez le parallélisme du runtime au quota, ou allongez la période ; surveillez la latence p99 plutôt que le CPU moyen.',
      ),
      ['quota cfs', 'cpu.max', 'nr_throttled', 'limite cpu', 'bridage'],
    ),
    related: ['sysray.cgroup.cpu.throttled_periods', 'sysray.cgroup.cpu.limit'],
  },
  {
    id: 'concept:inodes',
    kind: 'concept',
    aliases: ['inodes', 'inode', 'df -i'],
    en: text(
      'Inodes',
      lv(
        'Each file and directory uses one inode, a small record describing it. Some filesystems have a fixed number; millions of tiny files can use them all up while space remains.',
        'On ext2/3/4 the inode table is sized at mkfs (bytes-per-inode); XFS allocates dynamically up to imaxpct; btrfs has no fixed inode count (statfs reports 0). Exhaustion returns ENOSPC.',
      ),
      'Under about 80% used.',
      lv(
        'Out of inodes: find and delete the directory full of tiny files.',
        'See sysray.filesystem.inodes.usage.',
      ),
      ['file count', 'enospc'],
    ),
    fr: text(
      'Inodes',
      lv(
        "Chaque fichier et répertoire utilise un inode, une petite fiche qui le décrit. Certains systèmes de fichiers en ont un nombre fixe : des millions de petits fichiers peuvent tous les consommer alors qu'il reste de la place.",
        "Sur ext2/3/4, la table d'inodes est dimensionnée au mkfs (octets par inode) ; XFS alloue dynamiquement jusqu'à imaxpct ; btrfs n'a pas de nombre fixe (statfs renvoie 0). L'épuisement renvoie ENOSPC.",
      ),
      'Moins de 80 % environ utilisés.',
      lv(
        "Plus d'inodes : trouvez et videz le répertoire plein de petits fichiers.",
        'Voir sysray.filesystem.inodes.usage.',
      ),
      ['nombre de fichiers', 'enospc'],
    ),
    related: ['sysray.filesystem.inodes.usage'],
  },
  {
    id: 'concept:zombie',
    kind: 'concept',
    aliases: ['zombie', 'defunct', 'z state'],
    en: text(
      'Zombie processes',
      lv(
        'A program that has finished but whose parent has not yet collected its exit status. It uses no memory or CPU, only an entry in the process table.',
        'State Z (<defunct>): the task exited and keeps its pid and exit status until the parent calls wait(); orphans are reaped by init or a subreaper.',
      ),
      'Zero or a few, briefly.',
      lv(
        'Many zombies: the parent program is buggy; restart the parent.',
        'Find the parent (`ps -o ppid=`); fix it to reap children (SIGCHLD handler) or restart it; in containers run an init (tini, --init) as PID 1.',
      ),
      ['defunct', 'reap', 'wait'],
    ),
    fr: text(
      'Processus zombies',
      lv(
        "Un programme terminé dont le parent n'a pas encore récupéré le code de sortie. Il n'utilise ni mémoire ni CPU, seulement une entrée dans la table des processus.",
        "État Z (<defunct>) : la tâche s'est terminée et garde son pid et son code de sortie jusqu'à ce que le parent appelle wait() ; les orphelins sont récupérés par init ou un subreaper.",
      ),
      'Zéro ou quelques-uns, brièvement.',
      lv(
        'Beaucoup de zombies : le programme parent a un défaut ; redémarrez le parent.',
        'Trouvez le parent (`ps -o ppid=`) ; corrigez-le pour qu’il récupère ses enfants (gestionnaire SIGCHLD) ou redémarrez-le ; en conteneur, lancez un init (tini, --init) en PID 1.',
      ),
      ['defunct', 'zombie', 'wait'],
    ),
    related: ['system.process.count'],
  },
  {
    id: 'concept:uninterruptible',
    kind: 'concept',
    aliases: ['d state', 'uninterruptible', 'uninterruptible sleep', 'blocked', 'procs blocked'],
    en: text(
      'Uninterruptible sleep (D state)',
      lv(
        'A program waiting inside the kernel for something that cannot be interrupted, almost always the disk or a network filesystem. It cannot even be killed until the wait ends.',
        'TASK_UNINTERRUPTIBLE (state D): waiting on IO completion or a kernel lock; counted in the load average and in procs_blocked of /proc/stat.',
      ),
      'Zero or briefly a few.',
      lv(
        'Many stuck programs: a disk or network storage is failing or overloaded.',
        'Read `/proc/<pid>/stack` or sysrq-w output; hung NFS, failing disks and dm/multipath queueing without paths are classic causes; check hung_task warnings in dmesg.',
      ),
      ['d state', 'hung task', 'blocked'],
    ),
    fr: text(
      'Sommeil non interruptible (état D)',
      lv(
        "Un programme qui attend dans le noyau quelque chose qu'on ne peut pas interrompre, presque toujours le disque ou un système de fichiers réseau. On ne peut même pas le tuer avant la fin de l'attente.",
        'TASK_UNINTERRUPTIBLE (état D) : attente de fin d’IO ou d’un verrou du noyau ; comptée dans la charge moyenne et dans procs_blocked de /proc/stat.',
      ),
      'Zéro ou brièvement quelques-uns.',
      lv(
        'Beaucoup de programmes bloqués : un disque ou un stockage réseau est défaillant ou surchargé.',
        'Lisez `/proc/<pid>/stack` ou la sortie de sysrq-w ; NFS bloqué, disques défaillants et dm/multipath en file sans chemin sont des causes classiques ; cherchez les avertissements hung_task dans dmesg.',
      ),
      ['état d', 'tâche bloquée', 'bloqué'],
    ),
    related: ['field:procs-running-blocked', 'concept:load-average'],
  },
  {
    id: 'concept:cgroup',
    kind: 'concept',
    aliases: ['cgroup', 'cgroups', 'control group', 'cgroup v2', 'container'],
    en: text(
      'Control groups (cgroups)',
      lv(
        'The kernel feature that groups processes (a container, a Kubernetes pod, a systemd service) so their CPU, memory, disk and process count can be measured and limited together.',
        'cgroup v2 (unified hierarchy, cgroup2fs at /sys/fs/cgroup) exposes cpu.stat, cpu.max, memory.current/max/events/stat, io.stat, pids.*, and *.pressure per group. Sysray reads v2 only; on hybrid hosts it uses the unified mount.',
      ),
      'Each group stays within its limits without hitting them often.',
      lv(
        'A container that keeps hitting a limit needs a higher limit or less work.',
        'Look at throttling, memory.events and group PSI to see which limit binds.',
      ),
      ['container', 'pod', 'systemd slice', 'docker', 'kubernetes'],
    ),
    fr: text(
      'Groupes de contrôle (cgroups)',
      lv(
        'La fonction du noyau qui regroupe des processus (un conteneur, un pod Kubernetes, un service systemd) pour mesurer et limiter ensemble leur CPU, leur mémoire, leurs disques et leur nombre de processus.',
        'cgroup v2 (hiérarchie unifiée, cgroup2fs sur /sys/fs/cgroup) expose cpu.stat, cpu.max, memory.current/max/events/stat, io.stat, pids.* et *.pressure par groupe. Sysray ne lit que la v2 ; sur les hôtes hybrides il utilise le montage unifié.',
      ),
      'Chaque groupe reste dans ses limites sans les toucher souvent.',
      lv(
        "Un conteneur qui touche sans cesse une limite a besoin d'une limite plus haute ou de moins de travail.",
        'Regardez le bridage, memory.events et le PSI du groupe pour voir quelle limite contraint.',
      ),
      ['conteneur', 'pod', 'slice systemd', 'docker', 'kubernetes'],
    ),
    related: ['container.cpu.usage', 'container.memory.usage', 'concept:throttling'],
  },
  {
    id: 'concept:counters-and-rates',
    kind: 'concept',
    aliases: ['counter', 'rate', 'first sample', 'null rate', 'per second'],
    en: text(
      'Counters and rates',
      lv(
        'Many kernel numbers are running totals since boot. Sysray turns them into "per second" values by comparing two readings, so the very first reading has no rate yet: it shows "-" (null), never a fake zero.',
        'Rates are Δcounter / Δmonotonic time between two collections; null on first sight and when a counter went backwards (device replugged, cgroup recreated, reboot), never negative. `sysray snapshot` waits one sampling window so its rates are real.',
      ),
      'Rates present from the second sample on.',
      lv(
        'If rates stay empty, the tool only took one sample; wait for the next refresh.',
        'A rate that stays null for one object means its counter restarted or the object is new; compare with the section status.',
      ),
      ['null', 'per second', 'delta'],
    ),
    fr: text(
      'Compteurs et débits',
      lv(
        "Beaucoup de chiffres du noyau sont des totaux depuis le démarrage. Sysray les transforme en valeurs « par seconde » en comparant deux lectures : la toute première lecture n'a donc pas encore de débit et affiche « - » (null), jamais un faux zéro.",
        'Débit = Δcompteur / Δtemps monotone entre deux collectes ; null à la première observation et quand un compteur a reculé (périphérique rebranché, cgroup recréé, redémarrage), jamais négatif. `sysray snapshot` attend une fenêtre d’échantillonnage pour que ses débits soient réels.',
      ),
      'Des débits présents dès le deuxième échantillon.',
      lv(
        "Si les débits restent vides, l'outil n'a pris qu'un échantillon ; attendez le rafraîchissement suivant.",
        "Un débit qui reste null pour un objet signifie que son compteur a redémarré ou que l'objet est nouveau ; comparez avec le statut de la section.",
      ),
      ['null', 'par seconde', 'delta', 'compteur', 'débit'],
    ),
  },
  {
    id: 'concept:top-n',
    kind: 'concept',
    aliases: ['top n', 'process list', 'processes.top', 'limit'],
    en: text(
      'Top-N process lists',
      lv(
        'Sysray keeps full details only for the busiest processes (by CPU, memory, IO, pid or name) plus those you ask for, so the data stays small on hosts with thousands of processes. Counts by state cover all processes.',
        'processes.top holds the first N by the sort key plus include rules; counts are computed over every /proc/<pid>. A process missing from a list may only have dropped out of the top N (diff says so).',
      ),
      'N large enough to include the processes you care about.',
      lv(
        'If a process you want is missing, raise the limit or change the sort.',
        'Raise processes.limit (`--limit`), add include rules (pids, names), or sort by the dimension you investigate.',
      ),
      ['top', 'limit', 'sort'],
    ),
    fr: text(
      'Listes des N premiers processus',
      lv(
        'Sysray ne garde le détail que des processus les plus actifs (par CPU, mémoire, IO, pid ou nom) et de ceux que vous demandez, pour que les données restent petites sur les machines à des milliers de processus. Les comptes par état couvrent tous les processus.',
        "processes.top contient les N premiers selon la clé de tri plus les règles d'inclusion ; les comptes portent sur chaque /proc/<pid>. Un processus absent d'une liste peut simplement être sorti des N premiers (diff le signale).",
      ),
      'N assez grand pour inclure les processus qui vous intéressent.',
      lv(
        "S'il manque un processus, relevez la limite ou changez le tri.",
        "Relevez processes.limit (`--limit`), ajoutez des règles d'inclusion (pids, noms) ou triez selon la dimension étudiée.",
      ),
      ['top', 'limite', 'tri'],
    ),
  },
  {
    id: 'concept:redaction',
    kind: 'concept',
    aliases: ['redaction', 'secrets', 'password', '***'],
    en: text(
      'Redaction of secrets',
      lv(
        'Command lines can contain passwords or tokens. Sysray replaces them with *** before anything leaves the agent or is written to disk.',
        'Arguments and NAME=value pairs whose name matches the patterns (password, token, secret, credential, api key, auth), URL passwords and configured value patterns are masked in process commands and mount sources/options.',
      ),
      'You see *** where a secret was.',
      lv(
        'If a secret still shows, add a pattern to the redaction settings.',
        'Add redaction.patterns or value patterns in sysray.toml; values glued to short options (`-psecret`) cannot be detected.',
      ),
      ['mask', 'privacy', 'password'],
    ),
    fr: text(
      'Masquage des secrets',
      lv(
        "Les lignes de commande peuvent contenir des mots de passe ou des jetons. Sysray les remplace par *** avant que quoi que ce soit ne quitte l'agent ou ne soit écrit sur disque.",
        'Les arguments et paires NOM=valeur dont le nom correspond aux motifs (password, token, secret, credential, api key, auth), les mots de passe dans les URL et les motifs de valeur configurés sont masqués dans les commandes des processus et les sources/options de montage.',
      ),
      'Vous voyez *** là où se trouvait un secret.',
      lv(
        'Si un secret apparaît encore, ajoutez un motif dans les réglages de masquage.',
        'Ajoutez redaction.patterns ou des motifs de valeur dans sysray.toml ; une valeur collée à une option courte (`-psecret`) ne peut pas être détectée.',
      ),
      ['masquage', 'confidentialité', 'mot de passe'],
    ),
  },
  {
    id: 'concept:section-status',
    kind: 'concept',
    aliases: ['status', 'unsupported', 'error', 'section status'],
    en: text(
      'Section status: ok, unsupported, error',
      lv(
        'Each part of a Sysray snapshot says whether it was read fine (ok), does not exist on this machine (unsupported, for example PSI on an old kernel), or failed (error, with the reason).',
        'Absent is not failed: unsupported carries a reason (no /proc/pressure before 4.20, cgroup v1 only) and counts as success for sysray.collector.success; error carries the message and exports no series, so missing data is never read as zero.',
      ),
      'ok or unsupported everywhere.',
      lv(
        'An error: read its message; it usually names the file and the cause.',
        'Permissions, host roots in containers (--proc-root, --sys-root, --rootfs) and collector timeouts are the usual causes.',
      ),
      ['ok', 'unsupported', 'error', 'collector'],
    ),
    fr: text(
      'Statut des sections : ok, unsupported, error',
      lv(
        "Chaque partie d'un snapshot Sysray indique si elle a été bien lue (ok), si elle n'existe pas sur cette machine (unsupported, par exemple PSI sur un vieux noyau) ou si elle a échoué (error, avec la raison).",
        "Absent n'est pas en échec : unsupported porte une raison (pas de /proc/pressure avant 4.20, cgroup v1 seul) et compte comme un succès pour sysray.collector.success ; error porte le message et n'exporte aucune série, pour qu'une donnée manquante ne soit jamais lue comme zéro.",
      ),
      'ok ou unsupported partout.',
      lv(
        'Une erreur : lisez son message ; il nomme en général le fichier et la cause.',
        "Les permissions, les racines de l'hôte en conteneur (--proc-root, --sys-root, --rootfs) et les délais des collecteurs sont les causes habituelles.",
      ),
      ['ok', 'non pris en charge', 'erreur', 'collecteur'],
    ),
    related: ['sysray.collector.success'],
  },
  {
    id: 'field:cpu-busy',
    kind: 'field',
    aliases: ['busy', 'cpu.utilization.busy', 'cpu busy', 'cpu.cores[].utilization.busy'],
    source: {
      section: 'cpu',
      fields: ['utilization.busy', 'cores[].utilization.busy'],
      kernel: ['/proc/stat'],
    },
    en: text(
      'CPU busy',
      lv(
        'The share of time the processors were doing work (anything but resting or waiting for disk).',
        '1 − idle − iowait over the interval, 0..1, for the machine and per core.',
      ),
      'See CPU utilization: under ~70% average leaves room.',
      'See CPU utilization.',
      ['busy', 'cpu %'],
    ),
    fr: text(
      'CPU occupé',
      lv(
        "La part du temps où les processeurs travaillaient (tout sauf le repos et l'attente du disque).",
        '1 − idle − iowait sur l’intervalle, 0..1, pour la machine et par cœur.',
      ),
      "Voir l'utilisation CPU : sous ~70 % en moyenne, il reste de la marge.",
      "Voir l'utilisation CPU.",
      ['occupé', 'cpu %'],
    ),
    related: ['system.cpu.utilization'],
  },
  {
    id: 'field:procs-running-blocked',
    kind: 'field',
    aliases: [
      'procsrunning',
      'procsblocked',
      'cpu.procsRunning',
      'cpu.procsBlocked',
      'procs_running',
      'procs_blocked',
    ],
    source: {
      section: 'cpu',
      fields: ['procsRunning', 'procsBlocked'],
      kernel: ['/proc/stat (procs_running, procs_blocked)'],
    },
    en: text(
      'Runnable and blocked tasks',
      lv(
        'How many tasks are running or ready to run right now, and how many are stuck waiting for the disk.',
        'procs_running and procs_blocked from /proc/stat: instantaneous counts of R and D tasks (threads included).',
      ),
      'Running under the CPU count; blocked near zero.',
      lv(
        'Many blocked tasks: check the disks.',
        'Blocked > 0 persistently: see uninterruptible sleep; running ≫ CPUs: CPU saturation (PSI cpu).',
      ),
      ['run queue', 'r', 'b', 'vmstat'],
    ),
    fr: text(
      'Tâches exécutables et bloquées',
      lv(
        "Le nombre de tâches en cours ou prêtes à s'exécuter en ce moment, et le nombre de tâches bloquées dans l'attente du disque.",
        'procs_running et procs_blocked de /proc/stat : nombres instantanés de tâches R et D (threads compris).',
      ),
      'Exécutables sous le nombre de CPU ; bloquées proches de zéro.',
      lv(
        'Beaucoup de tâches bloquées : vérifiez les disques.',
        'Bloquées > 0 en permanence : voir le sommeil non interruptible ; exécutables ≫ CPU : saturation CPU (PSI cpu).',
      ),
      ["file d'exécution", 'r', 'b', 'vmstat'],
    ),
    related: ['concept:uninterruptible', 'concept:load-average'],
  },
  {
    id: 'field:disk-await',
    kind: 'field',
    aliases: [
      'await',
      'r_await',
      'w_await',
      'readawaitms',
      'writeawaitms',
      'disk latency',
      'disks.devices[].rates.readAwaitMs',
      'disks.devices[].rates.writeAwaitMs',
    ],
    source: {
      section: 'disks',
      fields: ['devices[].rates.readAwaitMs', 'devices[].rates.writeAwaitMs'],
      kernel: ['/proc/diskstats (fields 4, 7, 8, 11)'],
    },
    en: text(
      'Disk await (latency)',
      lv(
        'How long, on average, each disk read or write took, including time waiting in line, in milliseconds.',
        'Δread (write) time / Δreads (writes) completed over the interval, ms, like r_await/w_await of iostat; null when nothing completed.',
      ),
      lv(
        'Under a few ms for SSDs, under ~20 ms for hard disks.',
        'NVMe typically < 1 ms, SATA SSD 1–5 ms, HDD 5–20 ms, cloud network volumes 1–10 ms; spikes with a deep queue mean saturation.',
      ),
      lv(
        'High latency makes everything slow: find who is using the disk the most, or move to faster storage.',
        'Check utilization and queue depth, IO size mix, device health; for cloud volumes, provisioned IOPS/throughput caps.',
      ),
      ['latency', 'iostat', 'response time'],
    ),
    fr: text(
      'Latence disque (await)',
      lv(
        'Le temps moyen de chaque lecture ou écriture disque, attente dans la file comprise, en millisecondes.',
        'Δtemps de lecture (écriture) / Δlectures (écritures) terminées sur l’intervalle, en ms, comme r_await/w_await d’iostat ; null si rien ne s’est terminé.',
      ),
      lv(
        'Quelques ms au plus pour un SSD, sous ~20 ms pour un disque dur.',
        'NVMe en général < 1 ms, SSD SATA 1–5 ms, disque dur 5–20 ms, volumes réseau cloud 1–10 ms ; des pics avec une file profonde signifient une saturation.',
      ),
      lv(
        'Une latence élevée ralentit tout : trouvez qui utilise le plus le disque, ou passez à un stockage plus rapide.',
        "Vérifiez l'occupation et la profondeur de file, la taille des IO, la santé du périphérique ; pour les volumes cloud, les plafonds d'IOPS et de débit provisionnés.",
      ),
      ['latence', 'iostat', 'temps de réponse'],
    ),
    related: ['system.disk.operation_time', 'field:disk-queue-depth'],
  },
  {
    id: 'field:disk-utilization',
    kind: 'field',
    aliases: ['%util', 'disk utilization', 'disks.devices[].rates.utilization', 'disk busy'],
    source: {
      section: 'disks',
      fields: ['devices[].rates.utilization'],
      kernel: ['/proc/diskstats (field 13)'],
    },
    en: text(
      'Disk utilization',
      lv(
        'The share of time the disk had work to do, from 0 to 1.',
        'Δio_ticks / interval, 0..1 (iostat %util).',
      ),
      'See disk busy time: meaningful saturation signal for hard disks, not for SSD/NVMe.',
      'See disk busy time.',
      ['util', 'busy'],
    ),
    fr: text(
      'Occupation du disque',
      lv(
        'La part du temps où le disque avait du travail, de 0 à 1.',
        'Δio_ticks / intervalle, 0..1 (%util d’iostat).',
      ),
      "Voir le temps d'occupation du disque : signal de saturation fiable pour les disques durs, pas pour SSD/NVMe.",
      "Voir le temps d'occupation du disque.",
      ['util', 'occupation'],
    ),
    related: ['system.disk.io_time'],
  },
  {
    id: 'field:disk-queue-depth',
    kind: 'field',
    aliases: ['queue depth', 'queuedepth', 'aqu-sz', 'disks.devices[].rates.queueDepth'],
    source: {
      section: 'disks',
      fields: ['devices[].rates.queueDepth'],
      kernel: ['/proc/diskstats (field 14)'],
    },
    en: text(
      'Disk queue depth',
      lv(
        'How many requests were waiting for or being served by the disk, on average.',
        'Δweighted io time / interval: average requests in flight (iostat aqu-sz).',
      ),
      'Around the device’s parallelism or less (about 1 for a hard disk, more for SSDs).',
      'See weighted disk IO time.',
      ['aqu-sz', 'queue'],
    ),
    fr: text(
      'Profondeur de file disque',
      lv(
        'Le nombre moyen de requêtes en attente ou en cours de traitement par le disque.',
        'Δtemps d’IO pondéré / intervalle : nombre moyen de requêtes en vol (aqu-sz d’iostat).',
      ),
      'De l’ordre du parallélisme du périphérique ou moins (environ 1 pour un disque dur, davantage pour un SSD).',
      "Voir le temps d'IO pondéré.",
      ['aqu-sz', 'file'],
    ),
    related: ['sysray.disk.weighted_io_time'],
  },
  {
    id: 'field:process-cpu-percent',
    kind: 'field',
    aliases: [
      'cpupercent',
      'cpupercentnormalized',
      'processes.top[].cpuPercent',
      'processes.top[].cpuPercentNormalized',
      '%cpu',
    ],
    source: {
      section: 'processes',
      fields: ['top[].cpuPercent', 'top[].cpuPercentNormalized'],
      kernel: ['/proc/[pid]/stat (utime, stime)'],
    },
    en: text(
      'Process %CPU',
      lv(
        'How much processor time a program used recently. cpuPercent counts one core as 100% (so 250% means two and a half cores, like top); the normalized value divides by the number of cores (0–100%).',
        'cpuPercent = Δ(utime+stime) / interval × 100 (percent of one core, can exceed 100); cpuPercentNormalized divides by logical CPUs; both null on first sight of a pid.',
      ),
      'Depends on the program; compare with its usual value and with its CPU limit in a container.',
      'See process CPU utilization.',
      ['%cpu', 'top', 'cpu percent'],
    ),
    fr: text(
      '%CPU du processus',
      lv(
        'Le temps processeur utilisé récemment par un programme. cpuPercent compte un cœur pour 100 % (250 % = deux cœurs et demi, comme top) ; la valeur normalisée divise par le nombre de cœurs (0–100 %).',
        'cpuPercent = Δ(utime+stime) / intervalle × 100 (pourcentage d’un cœur, peut dépasser 100) ; cpuPercentNormalized divise par le nombre de CPU logiques ; tous deux null à la première observation d’un pid.',
      ),
      'Dépend du programme ; comparez avec sa valeur habituelle et avec sa limite CPU en conteneur.',
      "Voir l'utilisation CPU du processus.",
      ['%cpu', 'top', 'pourcentage cpu'],
    ),
    related: ['process.cpu.utilization'],
  },
  {
    id: 'field:virtualization',
    kind: 'field',
    aliases: ['virtualization', 'system.virtualization', 'hypervisor', 'vm'],
    source: {
      section: 'system',
      fields: ['virtualization'],
      kernel: ['/sys/class/dmi/id/*', '/proc/cpuinfo (hypervisor flag)', '/proc/1/cgroup'],
    },
    en: text(
      'Virtualization',
      lv(
        'Whether the machine is a virtual machine or a container, and of which kind (kvm, xen, amazon, container…), as far as it can tell.',
        'A best-effort hint from DMI vendor strings, the CPU hypervisor flag and container markers; null for bare metal or unknown.',
      ),
      'Informational.',
      'On a virtual machine, watch CPU steal; in a container, remember that host-wide figures are the host’s, not the container’s.',
      ['vm', 'container', 'hypervisor', 'cloud'],
    ),
    fr: text(
      'Virtualisation',
      lv(
        "Si la machine est une machine virtuelle ou un conteneur, et de quel type (kvm, xen, amazon, container…), autant qu'on puisse le dire.",
        'Indice au mieux tiré des chaînes DMI du fabricant, du drapeau hypervisor du CPU et des marqueurs de conteneur ; null pour une machine physique ou inconnue.',
      ),
      'Informatif.',
      "Sur une machine virtuelle, surveillez le vol de CPU (steal) ; dans un conteneur, les chiffres globaux sont ceux de l'hôte, pas du conteneur.",
      ['vm', 'conteneur', 'hyperviseur', 'cloud'],
    ),
    related: ['concept:steal'],
  },
];
