import type { MetricName } from '@sysray/proto';
import type { MetricText } from '../types.js';
import { lv, text } from './helpers.js';

const PROC_HEALTHY_EN =
  'Compare with what this program normally shows; steady values are healthy, steady growth is worth a look.';
const PROC_HEALTHY_FR =
  "Comparez avec ce que ce programme montre d'habitude : des valeurs stables sont saines, une croissance continue mérite un coup d'œil.";

export const PROCESS_TEXTS = {
  'system.process.count': {
    en: text(
      'Processes by state',
      lv(
        'How many processes are running, sleeping, waiting on the disk, stopped or finished but not cleaned up (zombies).',
        'Processes counted by the state letter of /proc/<pid>/stat: R running, S sleeping, D uninterruptible, T/t stopped, Z zombie, I idle kernel threads.',
      ),
      lv(
        'Running under the CPU count, blocked near zero, zombies near zero.',
        'R above the CPU count means a run queue; D persistently above zero means IO or lock waits; a few zombies are transient, a growing number means a parent that never reaps.',
      ),
      lv(
        'Many processes stuck waiting or many zombies point at a disk problem or a misbehaving parent program.',
        'D state: inspect `/proc/<pid>/stack` and wchan; zombies: find the parent (`ps -o ppid= -p <pid>`) and fix or restart it — zombies hold only a pid.',
      ),
      ['process count', 'running', 'sleeping', 'zombie', 'blocked', 'state'],
    ),
    fr: text(
      'Processus par état',
      lv(
        'Le nombre de processus en cours, endormis, en attente du disque, arrêtés ou terminés mais pas encore nettoyés (zombies).',
        "Processus comptés d'après la lettre d'état de /proc/<pid>/stat : R en exécution, S endormi, D non interruptible, T/t arrêté, Z zombie, I thread noyau inactif.",
      ),
      lv(
        'En exécution sous le nombre de CPU, bloqués proches de zéro, zombies proches de zéro.',
        "R au-dessus du nombre de CPU signifie une file d'attente ; D durablement au-dessus de zéro, des attentes d'IO ou de verrou ; quelques zombies sont passagers, un nombre croissant désigne un parent qui ne les récupère jamais.",
      ),
      lv(
        'Beaucoup de processus bloqués ou de zombies désignent un problème de disque ou un programme parent défaillant.',
        'État D : regardez `/proc/<pid>/stack` et wchan ; zombies : trouvez le parent (`ps -o ppid= -p <pid>`) et corrigez-le ou redémarrez-le — un zombie ne garde qu’un pid.',
      ),
      ['nombre de processus', 'état', 'zombie', 'bloqué'],
    ),
    related: ['concept:zombie', 'concept:uninterruptible'],
  },
  'sysray.system.thread.count': {
    en: text(
      'Threads',
      lv('How many threads all processes have together.', 'Sum of num_threads over /proc/<pid>/stat.'),
      'Steady for a given workload; the limits are kernel.threads-max and pids.max of cgroups.',
      lv(
        'If the number keeps climbing, a program is creating threads without ending them.',
        'Growth: find the process (`ps -eLf | awk` or top threads column), look for thread leaks; hitting pids.max or threads-max makes fork/clone fail with EAGAIN.',
      ),
      ['threads', 'nlwp', 'threads-max'],
    ),
    fr: text(
      'Threads',
      lv('Le nombre de threads de tous les processus réunis.', 'Somme de num_threads sur /proc/<pid>/stat.'),
      'Stable pour une charge donnée ; les limites sont kernel.threads-max et pids.max des cgroups.',
      lv(
        'Si le nombre grimpe sans cesse, un programme crée des threads sans les terminer.',
        'Croissance : trouvez le processus (colonne threads de top, `ps -eLf`), cherchez une fuite de threads ; atteindre pids.max ou threads-max fait échouer fork/clone avec EAGAIN.',
      ),
      ['threads', 'fils', 'nlwp', 'threads-max'],
    ),
  },
  'process.cpu.time': {
    en: text(
      'Process CPU time',
      lv(
        'How many seconds of processor time a program has used since it started, in its own code and in the kernel.',
        'utime and stime from /proc/<pid>/stat (ticks, converted to seconds), threads included, exited children not.',
      ),
      PROC_HEALTHY_EN,
      lv(
        'A program using far more CPU than usual may be stuck in a loop or handling more work; check its logs.',
        'Rate it to get cores used; a high system share means syscall-heavy work (`strace -c -p`), a high user share calls for a profiler (`perf top -p`).',
      ),
      ['utime', 'stime', 'cpu seconds'],
    ),
    fr: text(
      'Temps CPU du processus',
      lv(
        "Le nombre de secondes de processeur qu'un programme a utilisées depuis son lancement, dans son propre code et dans le noyau.",
        'utime et stime de /proc/<pid>/stat (ticks convertis en secondes), threads compris, enfants terminés exclus.',
      ),
      PROC_HEALTHY_FR,
      lv(
        "Un programme qui consomme bien plus de CPU que d'habitude est peut-être bloqué dans une boucle ou traite plus de travail ; regardez ses journaux.",
        "Calculez le débit pour obtenir les cœurs utilisés ; une forte part système signifie beaucoup d'appels système (`strace -c -p`), une forte part utilisateur appelle un profileur (`perf top -p`).",
      ),
      ['utime', 'stime', 'secondes cpu'],
    ),
  },
  'process.cpu.utilization': {
    en: text(
      'Process CPU utilization',
      lv(
        'The share of the whole machine’s processing power a program used recently, from 0 to 1.',
        'Δ(utime+stime) / (interval × logical CPUs), 0..1 (cpuPercentNormalized / 100); the Snapshot also has cpuPercent, the same as percent of one core (can exceed 100).',
      ),
      PROC_HEALTHY_EN,
      lv(
        'If one program takes most of the machine, decide whether that is its job; otherwise restart or limit it.',
        'Limit it with a cgroup cpu.max (systemd CPUQuota=) or nice; profile it; check whether it is throttled inside a container.',
      ),
      ['%cpu', 'cpu percent', 'top'],
    ),
    fr: text(
      'Utilisation CPU du processus',
      lv(
        'La part de la puissance de calcul de toute la machine utilisée récemment par un programme, de 0 à 1.',
        'Δ(utime+stime) / (intervalle × CPU logiques), 0..1 (cpuPercentNormalized / 100) ; le Snapshot a aussi cpuPercent, la même chose en pourcentage d’un cœur (peut dépasser 100).',
      ),
      PROC_HEALTHY_FR,
      lv(
        "Si un programme prend l'essentiel de la machine, voyez si c'est son rôle ; sinon redémarrez-le ou limitez-le.",
        "Limitez-le avec cpu.max d'un cgroup (CPUQuota= de systemd) ou nice ; profilez-le ; vérifiez s'il est bridé dans un conteneur.",
      ),
      ['%cpu', 'pourcentage cpu', 'top'],
    ),
    related: ['field:process-cpu-percent'],
  },
  'process.memory.usage': {
    en: text(
      'Process resident memory (RSS)',
      lv(
        'How much physical memory a program occupies right now.',
        'rss from /proc/<pid>/stat × page size: anonymous, file-backed and shared pages mapped and present in RAM (shared pages count in every process that maps them).',
      ),
      PROC_HEALTHY_EN,
      lv(
        'A program whose memory keeps growing may be leaking; restart it and report the problem.',
        'Steady RSS growth is the classic leak signature; /proc/<pid>/smaps_rollup splits anon/file/shmem; for shared memory use PSS (`smem`) to avoid double counting.',
      ),
      ['rss', 'resident', 'memory of process', 'res'],
    ),
    fr: text(
      'Mémoire résidente du processus (RSS)',
      lv(
        'La mémoire physique occupée en ce moment par un programme.',
        'rss de /proc/<pid>/stat × taille de page : pages anonymes, de fichiers et partagées projetées et présentes en RAM (les pages partagées comptent dans chaque processus qui les projette).',
      ),
      PROC_HEALTHY_FR,
      lv(
        'Un programme dont la mémoire grossit sans cesse a peut-être une fuite ; redémarrez-le et signalez le problème.',
        'Une RSS qui croît régulièrement est la signature classique d’une fuite ; /proc/<pid>/smaps_rollup sépare anonyme/fichiers/shmem ; pour la mémoire partagée, utilisez la PSS (`smem`) pour ne pas compter deux fois.',
      ),
      ['rss', 'résidente', 'mémoire du processus', 'res'],
    ),
    related: ['concept:rss'],
  },
  'process.memory.virtual': {
    en: text(
      'Process virtual memory',
      lv(
        'How much address space a program has reserved, used or not. Usually much larger than what it really uses.',
        'vsize from /proc/<pid>/stat: all mappings, including reserved but untouched memory, shared libraries and memory-mapped files.',
      ),
      'Large values are normal (Java, Go and databases reserve a lot); it is not memory in use.',
      'Rarely actionable; it matters only against address-space limits (`ulimit -v`, 32-bit processes) or vm.overcommit_memory=2.',
      ['vsz', 'virt', 'vsize', 'address space'],
    ),
    fr: text(
      'Mémoire virtuelle du processus',
      lv(
        "L'espace d'adressage qu'un programme a réservé, utilisé ou non. Souvent bien plus grand que ce qu'il utilise vraiment.",
        'vsize de /proc/<pid>/stat : toutes les projections, mémoire réservée non touchée, bibliothèques partagées et fichiers projetés compris.',
      ),
      "De grandes valeurs sont normales (Java, Go et les bases de données réservent beaucoup) ; ce n'est pas de la mémoire utilisée.",
      "Rarement utile ; ne compte que face aux limites d'espace d'adressage (`ulimit -v`, processus 32 bits) ou avec vm.overcommit_memory=2.",
      ['vsz', 'virt', 'vsize', "espace d'adressage"],
    ),
  },
  'process.disk.io': {
    en: text(
      'Process disk IO',
      lv(
        'How much data a program caused to be read from and written to disk.',
        'read_bytes and write_bytes from /proc/<pid>/io: bytes fetched from and sent to the block layer on the process’s behalf (page cache hits not counted; needs permission to read).',
      ),
      PROC_HEALTHY_EN,
      lv(
        'The program writing or reading the most is usually the one making the disk slow for everyone.',
        'Rate it to find the IO-heavy process (`sysray top --sort io`, `iotop`); writes are charged when dirty pages are created, so writeback may happen later.',
      ),
      ['read_bytes', 'write_bytes', 'iotop', 'process io'],
    ),
    fr: text(
      'IO disque du processus',
      lv(
        'La quantité de données qu’un programme a fait lire et écrire sur disque.',
        'read_bytes et write_bytes de /proc/<pid>/io : octets demandés à la couche bloc et envoyés pour le compte du processus (les accès servis par le cache ne comptent pas ; lecture soumise à permission).',
      ),
      PROC_HEALTHY_FR,
      lv(
        'Le programme qui écrit ou lit le plus est en général celui qui ralentit le disque pour tous.',
        "Calculez le débit pour trouver le processus le plus gourmand (`sysray top --sort io`, `iotop`) ; les écritures sont imputées à la création des pages sales, l'écriture effective peut venir plus tard.",
      ),
      ['read_bytes', 'write_bytes', 'iotop', 'io processus'],
    ),
  },
  'process.thread.count': {
    en: text(
      'Process threads',
      lv('How many threads a program runs.', 'num_threads from /proc/<pid>/stat.'),
      PROC_HEALTHY_EN,
      'A thread count that only grows is a thread leak; thread dumps (jstack, py-spy dump, gdb) show what they wait on.',
      ['threads', 'nlwp'],
    ),
    fr: text(
      'Threads du processus',
      lv('Le nombre de threads d’un programme.', 'num_threads de /proc/<pid>/stat.'),
      PROC_HEALTHY_FR,
      "Un nombre de threads qui ne fait que croître est une fuite de threads ; un vidage des threads (jstack, py-spy dump, gdb) montre ce qu'ils attendent.",
      ['threads', 'fils', 'nlwp'],
    ),
  },
  'process.unix.file_descriptor.count': {
    en: text(
      'Open file descriptors',
      lv(
        'How many files, sockets and pipes a program has open.',
        'Entries of /proc/<pid>/fd (needs permission to read).',
      ),
      'Well under the process limit (`ulimit -n`, LimitNOFILE= in systemd, often 1024 soft / 524288 hard).',
      lv(
        'If it approaches the limit, the program will start failing to open files or connections.',
        'Growth is a descriptor leak (`ls -l /proc/<pid>/fd` shows what kind); near the limit calls fail with EMFILE ("Too many open files"): fix the leak or raise LimitNOFILE.',
      ),
      ['fd', 'file descriptors', 'open files', 'ulimit', 'emfile'],
    ),
    fr: text(
      'Descripteurs de fichiers ouverts',
      lv(
        'Le nombre de fichiers, de sockets et de tubes qu’un programme a ouverts.',
        'Entrées de /proc/<pid>/fd (lecture soumise à permission).',
      ),
      'Bien sous la limite du processus (`ulimit -n`, LimitNOFILE= de systemd, souvent 1024 souple / 524288 stricte).',
      lv(
        "S'il approche de la limite, le programme va commencer à échouer en ouvrant des fichiers ou des connexions.",
        'Une croissance est une fuite de descripteurs (`ls -l /proc/<pid>/fd` montre leur type) ; près de la limite, les appels échouent avec EMFILE (« Too many open files ») : corrigez la fuite ou montez LimitNOFILE.',
      ),
      ['fd', 'descripteurs', 'fichiers ouverts', 'ulimit', 'emfile'],
    ),
  },
  'process.uptime': {
    en: text(
      'Process uptime',
      lv(
        'How long ago a program was started.',
        'Now − start time, where start time = boot time (btime in /proc/stat) + starttime ticks from /proc/<pid>/stat.',
      ),
      'Long for services; a service whose uptime keeps resetting is restarting.',
      lv(
        'If a service keeps restarting, read its logs for the reason it stops.',
        'Restart loops: `systemctl status`, `journalctl -u <unit>`, kubectl describe pod (restart count, last state, OOMKilled).',
      ),
      ['start time', 'age', 'restarted'],
    ),
    fr: text(
      'Âge du processus',
      lv(
        'Depuis combien de temps un programme a été lancé.',
        'Maintenant − heure de lancement, où heure de lancement = démarrage (btime de /proc/stat) + starttime en ticks de /proc/<pid>/stat.',
      ),
      "Long pour un service ; un service dont l'âge revient sans cesse à zéro redémarre.",
      lv(
        "Si un service redémarre sans arrêt, lisez ses journaux pour savoir pourquoi il s'arrête.",
        'Boucles de redémarrage : `systemctl status`, `journalctl -u <unité>`, kubectl describe pod (nombre de redémarrages, dernier état, OOMKilled).',
      ),
      ['heure de lancement', 'âge', 'redémarré'],
    ),
  },
  'sysray.process.memory.swap': {
    en: text(
      'Process memory in swap',
      lv(
        'How much of a program’s memory was moved out to swap on disk.',
        'VmSwap from /proc/<pid>/status: anonymous pages of the process currently swapped out.',
      ),
      'Zero or stable. Swapped memory that is touched again makes the program wait for the disk.',
      lv(
        'If an important program has much memory in swap and is slow, the machine needs more memory.',
        'Correlate with swap-in rates and major faults; protect latency-sensitive services with cgroup memory.low or memory.swap.max=0.',
      ),
      ['vmswap', 'swapped'],
    ),
    fr: text(
      'Mémoire du processus en swap',
      lv(
        "La part de la mémoire d'un programme déplacée vers le swap sur disque.",
        'VmSwap de /proc/<pid>/status : pages anonymes du processus actuellement en swap.',
      ),
      'Zéro ou stable. De la mémoire en swap qui est retouchée fait attendre le programme sur le disque.',
      lv(
        "Si un programme important a beaucoup de mémoire en swap et qu'il est lent, la machine a besoin de plus de mémoire.",
        'Croisez avec le débit de lecture du swap et les défauts majeurs ; protégez les services sensibles à la latence avec memory.low ou memory.swap.max=0 du cgroup.',
      ),
      ['vmswap', 'en swap'],
    ),
  },
} satisfies { readonly [K in MetricName]?: MetricText };
