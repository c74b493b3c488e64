import type { MetricName } from '@sysray/proto';
import type { MetricText } from '../types.js';
import { lv, text } from './helpers.js';

export const SYSTEM_CPU_TEXTS = {
  'system.uptime': {
    en: text(
      'Uptime',
      lv(
        'How long the machine has been running since it last started.',
        'Seconds since boot, from the first field of /proc/uptime (includes time spent suspended on most kernels).',
      ),
      'Any value is fine; what matters is that it only grows. A value that dropped means the host rebooted.',
      lv(
        'If it restarted when nobody asked it to, look at the system logs from just before the restart.',
        'An unexpected reset: check `journalctl -b -1 -e`, the kernel log for panics or watchdog resets, and the hypervisor or BMC event log.',
      ),
      ['boot', 'reboot', 'restart'],
    ),
    fr: text(
      'Temps de fonctionnement',
      lv(
        'Depuis combien de temps la machine tourne sans avoir redémarré.',
        'Secondes écoulées depuis le démarrage, premier champ de /proc/uptime (la mise en veille est comptée sur la plupart des noyaux).',
      ),
      "Toute valeur convient ; l'essentiel est qu'elle ne fasse que croître. Une valeur qui retombe signale un redémarrage.",
      lv(
        'Si la machine a redémarré sans que personne ne le demande, lisez les journaux système juste avant le redémarrage.',
        "Redémarrage inattendu : consultez `journalctl -b -1 -e`, le journal du noyau (panic, watchdog) et le journal d'événements de l'hyperviseur ou du BMC.",
      ),
      ['démarrage', 'redémarrage', 'uptime'],
    ),
  },
  'system.cpu.physical.count': {
    en: text(
      'Physical cores',
      lv(
        'How many real processor cores the machine has, not counting hyper-threads.',
        'Distinct (package, core_id) pairs from sysfs topology, falling back to /proc/cpuinfo; logical CPUs divided by threads per core.',
      ),
      'A constant of the hardware. It only changes when CPUs are taken offline or the VM is resized.',
      'If it is lower than expected, check whether CPUs were disabled (`lscpu`, the `maxcpus=` boot parameter) or the VM size.',
      ['cores', 'sockets', 'hyperthreading', 'smt'],
    ),
    fr: text(
      'Cœurs physiques',
      lv(
        'Le nombre de vrais cœurs de processeur, sans compter les threads matériels (hyper-threading).',
        'Couples (package, core_id) distincts lus dans la topologie sysfs, à défaut dans /proc/cpuinfo ; CPU logiques divisés par threads par cœur.',
      ),
      'Une constante du matériel. Elle ne change que si des CPU sont mis hors ligne ou si la VM est redimensionnée.',
      "S'il est plus bas que prévu, vérifiez si des CPU ont été désactivés (`lscpu`, paramètre de démarrage `maxcpus=`) ou la taille de la VM.",
      ['cœurs', 'coeurs', 'sockets', 'hyperthreading', 'smt'],
    ),
  },
  'system.cpu.time': {
    en: text(
      'CPU time',
      lv(
        'A running total of how many seconds each processor spent on each kind of work (programs, the kernel, waiting, idle) since the machine started.',
        'Cumulative seconds per logical CPU and mode (user, nice, system, idle, iowait, irq, softirq, steal) from the cpuN lines of /proc/stat, converted from USER_HZ ticks. guest and guest_nice are already inside user and nice.',
      ),
      lv(
        'On its own the total only grows; what matters is how fast each mode grows. Mostly idle with some user time is a relaxed machine.',
        'Read it as a rate (seconds per second = CPUs busy in that mode). Watch steal (the hypervisor taking CPU), iowait and system time growing faster than user time.',
      ),
      lv(
        'Look at CPU utilization (the same numbers as percentages) and at which processes use the CPU.',
        'Rate it per mode: high system → syscalls, locking or interrupts (perf top); high softirq → network packet load (check RPS/RSS and IRQ affinity); high steal → noisy neighbours or undersized VM.',
      ),
      ['cpu', 'ticks', 'jiffies', 'proc stat', 'user', 'system', 'idle'],
    ),
    fr: text(
      'Temps CPU',
      lv(
        'Le total, depuis le démarrage, des secondes que chaque processeur a passées à chaque type de travail (programmes, noyau, attente, repos).',
        'Secondes cumulées par CPU logique et par mode (user, nice, system, idle, iowait, irq, softirq, steal), lignes cpuN de /proc/stat, converties depuis les ticks USER_HZ. guest et guest_nice sont déjà inclus dans user et nice.',
      ),
      lv(
        "Le total ne fait que croître ; c'est sa vitesse de croissance par mode qui compte. Surtout du repos avec un peu de temps utilisateur : machine tranquille.",
        "À lire comme un débit (secondes par seconde = CPU occupés dans ce mode). Surveillez steal (l'hyperviseur prend du CPU), iowait et un temps system qui croît plus vite que user.",
      ),
      lv(
        "Regardez l'utilisation CPU (les mêmes chiffres en pourcentage) et quels processus consomment le CPU.",
        "Calculez le débit par mode : system élevé → appels système, verrous ou interruptions (perf top) ; softirq élevé → charge réseau (vérifiez RPS/RSS et l'affinité des IRQ) ; steal élevé → voisins bruyants ou VM sous-dimensionnée.",
      ),
      ['processeur', 'ticks', 'jiffies', 'temps processeur'],
    ),
    related: ['system.cpu.utilization', 'concept:steal', 'concept:iowait'],
  },
  'system.cpu.utilization': {
    en: text(
      'CPU utilization',
      lv(
        'How busy the processors were recently, as a share of their capacity, split by kind of work. 100% means every core was busy all the time.',
        'Per-mode share of all CPUs between the last two samples (delta of /proc/stat times / elapsed CPU time), 0..1. Snapshot `busy` = 1 − idle − iowait.',
      ),
      lv(
        'Below about 70% busy on average leaves room for spikes. Short peaks at 100% are normal.',
        'Sustained busy above 80–90% with a growing run queue (load above CPU count, PSI cpu some > 10%) is saturation; utilization alone does not show queueing.',
      ),
      lv(
        'Find the processes using the most CPU (`sysray top`) and decide whether that work is expected.',
        'Use PSI cpu and the load average to tell busy from saturated; profile the top consumers (perf, language profilers); check throttling if it runs in a container; add CPUs or spread the load.',
      ),
      ['cpu usage', 'busy', 'percent', 'load'],
    ),
    fr: text(
      'Utilisation CPU',
      lv(
        'À quel point les processeurs étaient occupés récemment, en part de leur capacité, par type de travail. 100 % veut dire que tous les cœurs travaillaient en permanence.',
        'Part de tous les CPU par mode entre les deux derniers échantillons (variation des temps de /proc/stat / temps CPU écoulé), 0..1. `busy` du Snapshot = 1 − idle − iowait.',
      ),
      lv(
        'Sous environ 70 % en moyenne, il reste de la marge pour les pics. De brefs pics à 100 % sont normaux.',
        "Au-delà de 80–90 % en continu, avec une file d'attente qui grandit (charge supérieure au nombre de CPU, PSI cpu some > 10 %), c'est de la saturation ; l'utilisation seule ne montre pas l'attente.",
      ),
      lv(
        'Repérez les processus qui consomment le plus (`sysray top`) et voyez si ce travail est attendu.',
        'Servez-vous de PSI cpu et de la charge moyenne pour distinguer occupé et saturé ; profilez les plus gros consommateurs (perf, profileurs du langage) ; vérifiez le throttling en conteneur ; ajoutez des CPU ou répartissez la charge.',
      ),
      ['utilisation processeur', 'occupation', 'pourcentage', 'charge'],
    ),
    related: ['system.cpu.time', 'sysray.system.load_average', 'concept:psi'],
  },
  'system.cpu.logical.count': {
    en: text(
      'Logical CPUs',
      lv(
        'How many processors the system can run work on at the same time (cores times hyper-threads).',
        'Online logical CPUs: the cpuN lines of /proc/stat (hardware threads, after CPU hotplug).',
      ),
      'Constant for a given machine; compare load average and CPU use against it.',
      'If it changed, CPUs were hot-plugged or taken offline (`/sys/devices/system/cpu/online`), or the VM was resized.',
      ['cpus', 'threads', 'nproc', 'vcpu'],
    ),
    fr: text(
      'CPU logiques',
      lv(
        'Le nombre de processeurs sur lesquels le système peut faire tourner du travail en même temps (cœurs × threads matériels).',
        'CPU logiques en ligne : les lignes cpuN de /proc/stat (threads matériels, après hotplug).',
      ),
      "Constant pour une machine donnée ; c'est la référence pour juger la charge moyenne et l'utilisation CPU.",
      "S'il a changé, des CPU ont été ajoutés ou mis hors ligne (`/sys/devices/system/cpu/online`), ou la VM a été redimensionnée.",
      ['cpu', 'threads', 'nproc', 'vcpu', 'processeurs'],
    ),
  },
  'system.cpu.frequency': {
    en: text(
      'CPU frequency',
      lv(
        'How fast each processor is currently clocked. Processors slow down to save power and speed up under load.',
        'scaling_cur_freq from cpufreq in sysfs, per logical CPU, hertz. Absent on many VMs, where the hypervisor hides frequency scaling.',
      ),
      'Near the nominal or boost frequency under load; lower when idle is normal power saving.',
      lv(
        'If it stays low while the machine is busy, the machine may be overheating or set to save power.',
        'Low frequency under load: check the governor (`cpupower frequency-info`), thermal throttling (`/sys/class/thermal`, `dmesg`), and BIOS power profiles.',
      ),
      ['mhz', 'ghz', 'clock', 'governor', 'turbo'],
    ),
    fr: text(
      'Fréquence CPU',
      lv(
        "La vitesse d'horloge actuelle de chaque processeur. Les processeurs ralentissent pour économiser l'énergie et accélèrent sous la charge.",
        "scaling_cur_freq de cpufreq dans sysfs, par CPU logique, en hertz. Absente sur beaucoup de VM, où l'hyperviseur masque la variation de fréquence.",
      ),
      "Proche de la fréquence nominale ou turbo sous charge ; plus basse au repos, c'est l'économie d'énergie normale.",
      lv(
        'Si elle reste basse alors que la machine est chargée, elle chauffe peut-être trop ou est réglée pour économiser.',
        'Fréquence basse sous charge : vérifiez le gouverneur (`cpupower frequency-info`), le bridage thermique (`/sys/class/thermal`, `dmesg`) et les profils énergie du BIOS.',
      ),
      ['mhz', 'ghz', 'horloge', 'gouverneur', 'turbo'],
    ),
  },
  'system.process.created': {
    en: text(
      'Processes created',
      lv(
        'A running count of new programs and threads started since boot.',
        'The `processes` line of /proc/stat: every fork/clone since boot, threads included.',
      ),
      'The rate depends on the workload: a few per second is typical for servers; hundreds per second means something spawns processes in a loop.',
      lv(
        'If new processes appear very fast, find the program that keeps starting them.',
        'A high fork rate: find the parent with `execsnoop`/`bpftrace`, look for crash-restart loops (systemd `Restart=`), cron storms or shell scripts in tight loops.',
      ),
      ['forks', 'fork rate', 'clone', 'spawn'],
    ),
    fr: text(
      'Processus créés',
      lv(
        'Le nombre total de programmes et de threads lancés depuis le démarrage.',
        'La ligne `processes` de /proc/stat : chaque fork/clone depuis le démarrage, threads compris.',
      ),
      "Le débit dépend de l'usage : quelques-uns par seconde est courant sur un serveur ; des centaines par seconde signalent un programme qui en lance en boucle.",
      lv(
        'Si de nouveaux processus apparaissent très vite, trouvez le programme qui les lance sans arrêt.',
        'Débit de fork élevé : trouvez le parent avec `execsnoop`/`bpftrace`, cherchez une boucle plantage-redémarrage (`Restart=` de systemd), une avalanche cron ou un script shell en boucle serrée.',
      ),
      ['fork', 'clone', 'lancement', 'création de processus'],
    ),
  },
  'sysray.system.load_average': {
    en: text(
      'Load average',
      lv(
        'The average number of tasks that wanted to run or were stuck waiting (mostly for disk) over the last 1, 5 and 15 minutes.',
        'The three averages of /proc/loadavg: exponentially damped counts of runnable (R) plus uninterruptible (D) tasks, sampled every 5 s, over 1, 5 and 15 minutes.',
      ),
      lv(
        'Below the number of CPUs is comfortable. Above it, work is waiting its turn.',
        'Compare with the logical CPU count; but Linux counts D-state tasks too, so a high load with idle CPUs points at IO or locks, not CPU. PSI is the more precise signal.',
      ),
      lv(
        'If it is high, check whether the CPUs are busy (too much work) or idle (waiting on disks or the network).',
        'High load: look at procsRunning vs procsBlocked and PSI cpu/io; for D-state tasks read their stacks (`cat /proc/<pid>/stack`, `echo w > /proc/sysrq-trigger`) — NFS, slow disks and kernel locks are the usual causes.',
      ),
      ['load', 'loadavg', 'uptime', 'run queue'],
    ),
    fr: text(
      'Charge moyenne',
      lv(
        "Le nombre moyen de tâches qui voulaient s'exécuter ou qui attendaient (surtout le disque) sur les 1, 5 et 15 dernières minutes.",
        'Les trois moyennes de /proc/loadavg : moyenne amortie exponentiellement des tâches exécutables (R) et non interruptibles (D), échantillonnées toutes les 5 s, sur 1, 5 et 15 minutes.',
      ),
      lv(
        "En dessous du nombre de CPU, c'est confortable. Au-dessus, du travail attend son tour.",
        'À comparer au nombre de CPU logiques ; mais Linux compte aussi les tâches en état D : une charge élevée avec des CPU au repos désigne les entrées-sorties ou des verrous, pas le CPU. PSI est le signal plus précis.',
      ),
      lv(
        'Si elle est élevée, regardez si les CPU sont occupés (trop de travail) ou au repos (attente du disque ou du réseau).',
        'Charge élevée : comparez procsRunning et procsBlocked, et PSI cpu/io ; pour les tâches en état D, lisez leur pile (`cat /proc/<pid>/stack`, `echo w > /proc/sysrq-trigger`) — NFS, disques lents et verrous du noyau sont les causes habituelles.',
      ),
      ['charge', 'loadavg', 'uptime', "file d'attente"],
    ),
    related: ['concept:load-average', 'concept:psi', 'concept:uninterruptible'],
  },
  'sysray.system.context_switches': {
    en: text(
      'Context switches',
      lv(
        'How many times the processors switched from one task to another, counted since boot.',
        'The `ctxt` line of /proc/stat: voluntary (a task blocks) and involuntary (preemption) switches across all CPUs.',
      ),
      'Tens of thousands per second is ordinary on a busy server; what matters is a sudden jump compared with the usual rate.',
      lv(
        'A sudden jump often means many threads fighting over the same thing; find which program changed.',
        'A jump: look for lock contention, too many threads for the cores, or a spinning poll loop (`pidstat -w`, `perf sched`); per-process counts are in /proc/<pid>/status (voluntary_ctxt_switches).',
      ),
      ['ctxt', 'context switch', 'scheduler'],
    ),
    fr: text(
      'Changements de contexte',
      lv(
        "Le nombre de fois où les processeurs sont passés d'une tâche à une autre, depuis le démarrage.",
        'La ligne `ctxt` de /proc/stat : changements volontaires (une tâche se bloque) et involontaires (préemption), sur tous les CPU.',
      ),
      "Des dizaines de milliers par seconde sont courantes sur un serveur chargé ; c'est un saut soudain par rapport à l'habitude qui compte.",
      lv(
        'Un saut soudain signifie souvent que beaucoup de threads se disputent la même ressource ; trouvez le programme qui a changé.',
        'Un saut : cherchez une contention de verrou, trop de threads pour les cœurs ou une boucle de scrutation (`pidstat -w`, `perf sched`) ; les compteurs par processus sont dans /proc/<pid>/status (voluntary_ctxt_switches).',
      ),
      ['ctxt', 'commutation', 'ordonnanceur', 'changement de contexte'],
    ),
  },
  'sysray.system.interrupts': {
    en: text(
      'Interrupts',
      lv(
        'How many times hardware (network cards, disks, timers) and the kernel itself interrupted the processors, since boot.',
        'The `intr` total and the `softirq` total of /proc/stat: hardware interrupts serviced and softirqs (network receive, timers, block completion, RCU) run.',
      ),
      'Proportional to network and disk traffic; a steady rate that follows the load is normal.',
      lv(
        'If interrupts grow without more traffic, a device or driver may be misbehaving.',
        'Look at /proc/interrupts and /proc/softirqs per CPU: one CPU taking all of them needs IRQ affinity or RSS/RPS; an interrupt storm with no traffic points at a faulty device or driver.',
      ),
      ['irq', 'softirq', 'hardirq', 'interrupt storm'],
    ),
    fr: text(
      'Interruptions',
      lv(
        'Le nombre de fois où le matériel (cartes réseau, disques, horloges) et le noyau lui-même ont interrompu les processeurs depuis le démarrage.',
        "Le total `intr` et le total `softirq` de /proc/stat : interruptions matérielles traitées et softirqs exécutées (réception réseau, minuteries, fin d'IO bloc, RCU).",
      ),
      'Proportionnel au trafic réseau et disque ; un débit stable qui suit la charge est normal.',
      lv(
        'Si les interruptions augmentent sans plus de trafic, un périphérique ou un pilote se comporte peut-être mal.',
        "Regardez /proc/interrupts et /proc/softirqs par CPU : un seul CPU qui les prend toutes demande une affinité d'IRQ ou RSS/RPS ; une tempête d'interruptions sans trafic désigne un périphérique ou un pilote défaillant.",
      ),
      ['irq', 'softirq', 'interruption', "tempête d'interruptions"],
    ),
  },
} satisfies { readonly [K in MetricName]?: MetricText };
