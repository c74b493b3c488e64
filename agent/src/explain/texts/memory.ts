import type { MetricName } from '@sysray/proto';
import type { MetricText } from '../types.js';
import { lv, text } from './helpers.js';

const HUGEPAGES_HEALTHY_EN =
  'Only relevant where huge pages are configured (databases, DPDK, VMs): the pool should match what those programs reserve, with few free pages left over.';
const HUGEPAGES_HEALTHY_FR =
  "N'a de sens que si des huge pages sont configurées (bases de données, DPDK, VM) : la réserve doit correspondre à ce que ces programmes utilisent, sans trop de pages libres en trop.";
const HUGEPAGES_ACTION_EN = lv(
  'If huge pages sit unused, they are memory taken away from everything else; ask whoever configured them.',
  'Size the pool with `vm.nr_hugepages` (or per node in /sys/devices/system/node/*/hugepages); unused persistent huge pages are unavailable to the page cache and applications. Transparent huge pages are a different mechanism (AnonHugePages).',
);
const HUGEPAGES_ACTION_FR = lv(
  'Des huge pages inutilisées sont de la mémoire retirée à tout le reste ; demandez à la personne qui les a configurées.',
  'Dimensionnez la réserve avec `vm.nr_hugepages` (ou par nœud dans /sys/devices/system/node/*/hugepages) ; les huge pages persistantes inutilisées sont perdues pour le cache et les applications. Les transparent huge pages sont un autre mécanisme (AnonHugePages).',
);

export const MEMORY_TEXTS = {
  'system.memory.usage': {
    en: text(
      'Memory used and available',
      lv(
        'How much memory programs are using, and how much is still available for new work without slowing down.',
        'Bytes by state: used = MemTotal − MemAvailable (what procps-ng 4 `free` reports) and available = MemAvailable, from /proc/meminfo.',
      ),
      lv(
        'Available memory staying well above zero (say more than 10% of the total) is healthy. A full-looking memory is fine when most of it is cache.',
        'Used near total with MemAvailable under ~5%, rising major faults, swap-outs or PSI memory stalls is pressure; used alone overstates nothing since cache is already excluded.',
      ),
      lv(
        'Find which processes use the most memory (`sysray top --sort mem`) and whether one keeps growing.',
        'Rank processes by RSS and cgroups by memory.current; look for leaks (RSS rising steadily); check slab growth (`slabtop`) and tmpfs usage (Shmem) for memory that belongs to no process.',
      ),
      ['ram', 'memory', 'free', 'used memory', 'meminfo'],
    ),
    fr: text(
      'Mémoire utilisée et disponible',
      lv(
        'La mémoire utilisée par les programmes, et celle encore disponible pour du nouveau travail sans ralentir.',
        "Octets par état : used = MemTotal − MemAvailable (ce qu'affiche `free` de procps-ng 4) et available = MemAvailable, lus dans /proc/meminfo.",
      ),
      lv(
        "Une mémoire disponible nettement au-dessus de zéro (plus de 10 % du total, par exemple) est saine. Une mémoire qui semble pleine va bien si c'est surtout du cache.",
        "used proche du total avec MemAvailable sous ~5 %, des défauts de page majeurs, des écritures en swap ou des blocages PSI memory en hausse : c'est de la pression ; le cache est déjà exclu de used.",
      ),
      lv(
        "Cherchez les processus qui utilisent le plus de mémoire (`sysray top --sort mem`) et si l'un d'eux grossit sans cesse.",
        "Classez les processus par RSS et les cgroups par memory.current ; cherchez une fuite (RSS en hausse continue) ; vérifiez la croissance du slab (`slabtop`) et l'usage des tmpfs (Shmem), mémoire qui n'appartient à aucun processus.",
      ),
      ['ram', 'mémoire', 'memoire', 'mémoire utilisée', 'meminfo'],
    ),
    related: ['system.memory.linux.available', 'concept:page-cache', 'concept:available-memory'],
  },
  'system.memory.limit': {
    en: text(
      'Total memory',
      lv(
        'The amount of memory the system can use.',
        'MemTotal from /proc/meminfo: physical RAM minus what firmware and the kernel image reserve at boot.',
      ),
      'A constant for the machine (a few hundred MiB below the installed RAM is normal).',
      'If it is much lower than the installed RAM, check `mem=` boot parameters, crashkernel reservations and the VM size or memory balloon.',
      ['ram', 'memtotal', 'installed memory'],
    ),
    fr: text(
      'Mémoire totale',
      lv(
        'La quantité de mémoire que le système peut utiliser.',
        'MemTotal de /proc/meminfo : la RAM physique moins ce que le micrologiciel et le noyau réservent au démarrage.',
      ),
      'Une constante de la machine (quelques centaines de Mio sous la RAM installée est normal).',
      'Si elle est bien plus basse que la RAM installée, vérifiez les paramètres `mem=`, la réservation crashkernel, la taille de la VM ou le ballon mémoire.',
      ['ram', 'memtotal', 'mémoire installée'],
    ),
  },
  'system.memory.utilization': {
    en: text(
      'Memory utilization',
      lv(
        'The share of memory in use, from 0 (empty) to 1 (full). Cache that can be freed is not counted as used.',
        'used / MemTotal and available / MemTotal, 0..1, from /proc/meminfo (used = MemTotal − MemAvailable).',
      ),
      'Under about 0.8–0.9 used leaves headroom; higher is acceptable only if it is stable and nothing stalls.',
      lv(
        'If it stays close to full, reduce what runs on the machine or add memory.',
        'Near 1: confirm with PSI memory and major faults before acting; then cap or fix the largest consumers, or add memory.',
      ),
      ['memory percent', 'ram usage', 'memory usage'],
    ),
    fr: text(
      'Taux d’utilisation mémoire',
      lv(
        "La part de mémoire utilisée, de 0 (vide) à 1 (pleine). Le cache qui peut être libéré n'est pas compté.",
        'used / MemTotal et available / MemTotal, 0..1, d’après /proc/meminfo (used = MemTotal − MemAvailable).',
      ),
      "Sous 0,8–0,9 environ, il reste de la marge ; au-delà, c'est acceptable seulement si c'est stable et que rien ne bloque.",
      lv(
        'Si elle reste proche de la saturation, faites tourner moins de choses sur la machine ou ajoutez de la mémoire.',
        "Proche de 1 : confirmez avec PSI memory et les défauts de page majeurs avant d'agir ; puis limitez ou corrigez les plus gros consommateurs, ou ajoutez de la mémoire.",
      ),
      ['pourcentage mémoire', 'utilisation ram', 'occupation mémoire'],
    ),
  },
  'system.memory.linux.available': {
    en: text(
      'Available memory',
      lv(
        'How much memory could be given to new programs right now without swapping: free memory plus cache the kernel can drop.',
        "MemAvailable (Linux 3.14+): the kernel's estimate of memory allocatable without swapping — free pages above the low watermarks plus reclaimable page cache and slab.",
      ),
      'Comfortably above zero; the lower it goes, the sooner the kernel must reclaim, swap or kill.',
      lv(
        'When it gets low, stop or shrink the biggest memory users before the system starts killing programs.',
        'Low MemAvailable: expect reclaim (pgscan, PSI memory) then OOM kills; find the growth (processes, cgroups, slab, Shmem) and cap it with cgroup memory.max/high.',
      ),
      ['memavailable', 'free memory', 'headroom'],
    ),
    fr: text(
      'Mémoire disponible',
      lv(
        'La mémoire que l’on pourrait donner tout de suite à de nouveaux programmes sans utiliser le swap : la mémoire libre plus le cache que le noyau peut vider.',
        'MemAvailable (Linux 3.14+) : estimation par le noyau de la mémoire allouable sans swap — pages libres au-dessus des seuils bas plus cache de pages et slab récupérables.',
      ),
      'Nettement au-dessus de zéro ; plus elle baisse, plus vite le noyau doit récupérer de la mémoire, utiliser le swap ou tuer des processus.',
      lv(
        'Quand elle devient faible, arrêtez ou réduisez les plus gros consommateurs avant que le système ne tue des programmes.',
        'MemAvailable faible : attendez-vous à de la récupération (pgscan, PSI memory) puis à des OOM kills ; trouvez ce qui grossit (processus, cgroups, slab, Shmem) et plafonnez-le avec memory.max/high du cgroup.',
      ),
      ['memavailable', 'mémoire libre', 'marge'],
    ),
    related: ['concept:available-memory', 'system.memory.usage'],
  },
  'system.memory.linux.shared': {
    en: text(
      'Shared memory',
      lv(
        'Memory in shared segments and in-memory filesystems (tmpfs, such as /dev/shm and /run).',
        'Shmem from /proc/meminfo: tmpfs and devtmpfs pages, System V and POSIX shared memory, shared anonymous mappings.',
      ),
      'Usually small; large values are expected only with databases using shared buffers or heavy /dev/shm use.',
      lv(
        'If it grows, look for large files in /dev/shm, /run or other tmpfs mounts.',
        'Shmem cannot be reclaimed unless swapped: check `df -t tmpfs`, `ipcs -m` and large /dev/shm files; tmpfs without a size limit can fill memory.',
      ),
      ['shmem', 'tmpfs', 'dev shm', 'ipc'],
    ),
    fr: text(
      'Mémoire partagée',
      lv(
        'La mémoire des segments partagés et des systèmes de fichiers en mémoire (tmpfs, comme /dev/shm et /run).',
        'Shmem de /proc/meminfo : pages tmpfs et devtmpfs, mémoire partagée System V et POSIX, projections anonymes partagées.',
      ),
      'Habituellement faible ; de grandes valeurs ne sont attendues qu’avec des bases de données à tampons partagés ou un usage intensif de /dev/shm.',
      lv(
        'Si elle grossit, cherchez de gros fichiers dans /dev/shm, /run ou d’autres montages tmpfs.',
        "Shmem n'est récupérable que par le swap : vérifiez `df -t tmpfs`, `ipcs -m` et les gros fichiers de /dev/shm ; un tmpfs sans limite de taille peut remplir la mémoire.",
      ),
      ['shmem', 'tmpfs', 'dev shm', 'ipc', 'mémoire partagée'],
    ),
  },
  'system.memory.linux.slab.usage': {
    en: text(
      'Kernel slab memory',
      lv(
        'Memory the kernel uses for its own bookkeeping (file names, network buffers, and so on), split into what it can free and what it cannot.',
        'SReclaimable and SUnreclaim from /proc/meminfo: slab caches (dentries, inodes, sockets, …) that can or cannot be reclaimed under pressure.',
      ),
      'A few percent of memory. Reclaimable slab (mostly dentry and inode caches) may be large after scanning many files and is released under pressure.',
      lv(
        'If the part that cannot be freed keeps growing, something in the kernel or a driver may be leaking memory.',
        'Growing SUnreclaim: find the cache with `slabtop -s c` or /proc/slabinfo; common causes are socket or conntrack growth, kernel module leaks, or huge numbers of cgroups.',
      ),
      ['slab', 'sreclaimable', 'sunreclaim', 'kernel memory', 'dentry', 'inode cache'],
    ),
    fr: text(
      'Mémoire slab du noyau',
      lv(
        'La mémoire que le noyau utilise pour sa propre gestion (noms de fichiers, tampons réseau, etc.), séparée entre ce qu’il peut libérer et ce qu’il ne peut pas.',
        'SReclaimable et SUnreclaim de /proc/meminfo : caches slab (dentries, inodes, sockets, …) récupérables ou non sous pression.',
      ),
      'Quelques pour cent de la mémoire. Le slab récupérable (surtout caches de dentries et d’inodes) peut être gros après le parcours de nombreux fichiers et se libère sous pression.',
      lv(
        'Si la partie non libérable grossit sans arrêt, le noyau ou un pilote perd peut-être de la mémoire.',
        'SUnreclaim en hausse : trouvez le cache avec `slabtop -s c` ou /proc/slabinfo ; causes fréquentes : croissance des sockets ou de conntrack, fuite d’un module, très grand nombre de cgroups.',
      ),
      ['slab', 'sreclaimable', 'sunreclaim', 'mémoire noyau', 'dentry', "cache d'inodes"],
    ),
  },
  'sysray.memory.linux.usage': {
    en: text(
      'Free, buffers, cache, dirty and writeback',
      lv(
        'Other memory figures: memory nobody uses, memory holding file contents (cache), and file changes not yet written to disk.',
        'MemFree, Buffers, Cached (page cache, swap cache excluded), Dirty and Writeback from /proc/meminfo.',
      ),
      lv(
        'Little free memory is normal: Linux fills spare memory with cache. Dirty data should stay small and get written out quickly.',
        'Free near the min watermark is fine if MemAvailable is healthy. Dirty should stay below vm.dirty_background_ratio of memory; a large, persistent Writeback means storage cannot keep up.',
      ),
      lv(
        'If unwritten data piles up, the disks are too slow for what programs write.',
        'High Dirty/Writeback: check disk latency and utilization; lower vm.dirty_bytes/vm.dirty_background_bytes to write out earlier; writers will block in balance_dirty_pages otherwise.',
      ),
      ['memfree', 'buffers', 'cached', 'dirty', 'writeback', 'page cache'],
    ),
    fr: text(
      'Libre, tampons, cache, sale et en écriture',
      lv(
        "D'autres chiffres de mémoire : la mémoire inutilisée, celle qui garde le contenu des fichiers (cache) et les modifications pas encore écrites sur disque.",
        'MemFree, Buffers, Cached (cache de pages, hors cache de swap), Dirty et Writeback de /proc/meminfo.',
      ),
      lv(
        'Peu de mémoire libre est normal : Linux remplit la mémoire inoccupée avec du cache. Les données sales doivent rester faibles et être écrites rapidement.',
        'Free proche du seuil min convient si MemAvailable est sain. Dirty doit rester sous vm.dirty_background_ratio de la mémoire ; un Writeback important et durable signifie que le stockage ne suit pas.',
      ),
      lv(
        "Si les données non écrites s'accumulent, les disques sont trop lents pour ce que les programmes écrivent.",
        'Dirty/Writeback élevés : vérifiez la latence et l’occupation des disques ; baissez vm.dirty_bytes/vm.dirty_background_bytes pour écrire plus tôt ; sinon les écrivains se bloquent dans balance_dirty_pages.',
      ),
      ['memfree', 'tampons', 'cache', 'pages sales', 'dirty', 'writeback'],
    ),
    related: ['concept:page-cache'],
  },
  'system.memory.linux.hugepages.limit': {
    en: text(
      'Huge pages: pool size',
      lv(
        'How many large memory pages (usually 2 MiB each) are set aside for programs that ask for them.',
        'HugePages_Total from /proc/meminfo: the persistent huge page pool of the default size (vm.nr_hugepages).',
      ),
      HUGEPAGES_HEALTHY_EN,
      HUGEPAGES_ACTION_EN,
      ['hugepages', 'huge pages', 'nr_hugepages'],
    ),
    fr: text(
      'Huge pages : taille de la réserve',
      lv(
        'Le nombre de grandes pages mémoire (2 Mio en général) mises de côté pour les programmes qui les demandent.',
        'HugePages_Total de /proc/meminfo : la réserve persistante de huge pages de la taille par défaut (vm.nr_hugepages).',
      ),
      HUGEPAGES_HEALTHY_FR,
      HUGEPAGES_ACTION_FR,
      ['hugepages', 'grandes pages', 'nr_hugepages'],
    ),
  },
  'system.memory.linux.hugepages.usage': {
    en: text(
      'Huge pages: used and free',
      lv(
        'How many of the reserved large pages are in use and how many are still free.',
        'Used = HugePages_Total − HugePages_Free, and HugePages_Free, from /proc/meminfo.',
      ),
      HUGEPAGES_HEALTHY_EN,
      HUGEPAGES_ACTION_EN,
      ['hugepages free', 'hugepages used'],
    ),
    fr: text(
      'Huge pages : utilisées et libres',
      lv(
        'Combien des grandes pages réservées sont utilisées et combien restent libres.',
        'Utilisées = HugePages_Total − HugePages_Free, et HugePages_Free, d’après /proc/meminfo.',
      ),
      HUGEPAGES_HEALTHY_FR,
      HUGEPAGES_ACTION_FR,
      ['hugepages libres', 'hugepages utilisées'],
    ),
  },
  'system.memory.linux.hugepages.reserved': {
    en: text(
      'Huge pages: reserved',
      lv(
        'Large pages that programs have claimed but not yet touched.',
        'HugePages_Rsvd: pages committed to mappings (mmap of hugetlbfs, SHM_HUGETLB) but not yet faulted in; they count as free until used.',
      ),
      HUGEPAGES_HEALTHY_EN,
      HUGEPAGES_ACTION_EN,
      ['hugepages_rsvd'],
    ),
    fr: text(
      'Huge pages : réservées',
      lv(
        "Les grandes pages que des programmes ont réclamées sans encore s'en servir.",
        "HugePages_Rsvd : pages promises à des projections (mmap sur hugetlbfs, SHM_HUGETLB) mais pas encore touchées ; elles comptent comme libres jusqu'à leur usage.",
      ),
      HUGEPAGES_HEALTHY_FR,
      HUGEPAGES_ACTION_FR,
      ['hugepages_rsvd', 'réservées'],
    ),
  },
  'system.memory.linux.hugepages.surplus': {
    en: text(
      'Huge pages: surplus',
      lv(
        'Large pages created on demand beyond the reserved pool.',
        'HugePages_Surp: pages allocated above vm.nr_hugepages, up to vm.nr_overcommit_hugepages.',
      ),
      'Usually zero. Surplus pages come from normal memory and can fail to appear when memory is fragmented.',
      lv(
        'If surplus pages are used all the time, the reserved pool is too small.',
        'Persistent surplus: raise vm.nr_hugepages to the steady need so allocations do not depend on finding contiguous memory at run time.',
      ),
      ['hugepages_surp', 'overcommit hugepages'],
    ),
    fr: text(
      'Huge pages : surplus',
      lv(
        'Les grandes pages créées à la demande au-delà de la réserve.',
        'HugePages_Surp : pages allouées au-dessus de vm.nr_hugepages, dans la limite de vm.nr_overcommit_hugepages.',
      ),
      'Habituellement zéro. Les pages en surplus sont prises sur la mémoire normale et peuvent manquer quand la mémoire est fragmentée.',
      lv(
        'Si des pages en surplus sont utilisées en permanence, la réserve est trop petite.',
        'Surplus permanent : montez vm.nr_hugepages au besoin habituel pour que les allocations ne dépendent pas de mémoire contiguë trouvée à chaud.',
      ),
      ['hugepages_surp', 'surplus'],
    ),
  },
  'system.memory.linux.hugepages.page_size': {
    en: text(
      'Huge page size',
      lv(
        'The size of one large memory page on this machine.',
        'Hugepagesize from /proc/meminfo: the default huge page size (2 MiB on x86-64, often 2 MiB or 512 MiB on arm64).',
      ),
      'A constant of the architecture and boot parameters (`default_hugepagesz=`).',
      'Nothing to do; use it to turn page counts into bytes.',
      ['hugepagesize', 'page size'],
    ),
    fr: text(
      'Taille des huge pages',
      lv(
        'La taille d’une grande page mémoire sur cette machine.',
        'Hugepagesize de /proc/meminfo : la taille par défaut des huge pages (2 Mio sur x86-64, souvent 2 Mio ou 512 Mio sur arm64).',
      ),
      'Une constante de l’architecture et des paramètres de démarrage (`default_hugepagesz=`).',
      'Rien à faire ; elle sert à convertir un nombre de pages en octets.',
      ['hugepagesize', 'taille de page'],
    ),
  },
  'system.paging.usage': {
    en: text(
      'Swap used and free',
      lv(
        'How much of the swap space (disk used as overflow memory) is in use.',
        'SwapTotal − SwapFree (used) and SwapFree, over all swap devices and files, from /proc/meminfo.',
      ),
      lv(
        'Some swap in use is fine if it stays put: it is memory nobody touches. Trouble is swap that keeps moving in and out.',
        'Used swap is not a problem by itself; sustained swap-in/out rates (pswpin/pswpout) and PSI memory are. Zero swap total means OOM comes sooner under pressure.',
      ),
      lv(
        'If the machine is slow and swap use is climbing, it needs more memory or fewer programs.',
        'Active swapping: find who is swapped (VmSwap per process, memory.swap.current per cgroup); reduce memory demand, or tune vm.swappiness and cgroup memory.swap.max.',
      ),
      ['swap', 'paging', 'swapfile'],
    ),
    fr: text(
      'Swap utilisé et libre',
      lv(
        "La part de l'espace d'échange (le disque utilisé comme mémoire de débordement) qui est occupée.",
        'SwapTotal − SwapFree (utilisé) et SwapFree, sur tous les périphériques et fichiers de swap, d’après /proc/meminfo.',
      ),
      lv(
        "Un peu de swap utilisé va bien s'il ne bouge pas : c'est de la mémoire que personne ne touche. Le problème, c'est un swap qui entre et sort sans arrêt.",
        "Du swap utilisé n'est pas un problème en soi ; les débits d'entrée/sortie (pswpin/pswpout) et PSI memory le sont. Sans swap, l'OOM arrive plus tôt sous pression.",
      ),
      lv(
        "Si la machine est lente et que l'usage du swap grimpe, il lui faut plus de mémoire ou moins de programmes.",
        'Swap actif : trouvez qui est en swap (VmSwap par processus, memory.swap.current par cgroup) ; réduisez la demande de mémoire, ou réglez vm.swappiness et memory.swap.max des cgroups.',
      ),
      ['swap', "espace d'échange", 'pagination'],
    ),
    related: ['concept:swap', 'system.paging.operations'],
  },
  'system.paging.utilization': {
    en: text(
      'Swap utilization',
      lv(
        'The share of swap space in use, from 0 to 1.',
        'Swap used / SwapTotal and free / SwapTotal, 0..1, from /proc/meminfo.',
      ),
      'Stable values are fine; a swap filling towards 1 means memory demand keeps exceeding RAM.',
      lv(
        'If swap is nearly full, programs will soon be killed for lack of memory.',
        'Swap near full: OOM kills are next; act on the memory demand (see system.memory.usage) rather than adding swap, which only delays it.',
      ),
      ['swap percent', 'swap usage'],
    ),
    fr: text(
      'Taux d’utilisation du swap',
      lv(
        'La part de l’espace d’échange occupée, de 0 à 1.',
        'Swap utilisé / SwapTotal et libre / SwapTotal, 0..1, d’après /proc/meminfo.',
      ),
      'Des valeurs stables conviennent ; un swap qui se remplit vers 1 signifie que la demande de mémoire dépasse durablement la RAM.',
      lv(
        'Si le swap est presque plein, des programmes seront bientôt tués faute de mémoire.',
        "Swap presque plein : les OOM kills sont la suite ; agissez sur la demande de mémoire (voir system.memory.usage) plutôt que d'ajouter du swap, qui ne fait que retarder.",
      ),
      ['pourcentage swap', 'occupation swap'],
    ),
  },
  'system.paging.faults': {
    en: text(
      'Page faults',
      lv(
        'How often programs touched memory that was not ready. Minor faults are cheap; major faults had to wait for the disk.',
        'pgfault (all faults) and pgmajfault (faults needing IO: swap-in or reading a mapped file) from /proc/vmstat; the metric reports minor = pgfault − pgmajfault.',
      ),
      lv(
        'Many minor faults are normal. Major faults should be rare once programs have started.',
        'Minor faults scale with allocation and are cheap; a sustained major fault rate (hundreds per second) means working set > memory or cold mapped files.',
      ),
      lv(
        'Many major faults mean the machine is short of memory or keeps re-reading program files from disk.',
        'High pgmajfault: correlate with swap-in and PSI memory; per process see `ps -o maj_flt`; add memory or reduce the working set.',
      ),
      ['pgfault', 'pgmajfault', 'major fault', 'minor fault'],
    ),
    fr: text(
      'Défauts de page',
      lv(
        "La fréquence à laquelle les programmes touchent de la mémoire qui n'était pas prête. Les défauts mineurs sont bon marché ; les majeurs ont dû attendre le disque.",
        'pgfault (tous les défauts) et pgmajfault (défauts demandant une IO : lecture du swap ou d’un fichier projeté) de /proc/vmstat ; la métrique donne mineurs = pgfault − pgmajfault.',
      ),
      lv(
        'Beaucoup de défauts mineurs, c’est normal. Les défauts majeurs doivent être rares une fois les programmes démarrés.',
        'Les défauts mineurs suivent les allocations et coûtent peu ; un débit soutenu de défauts majeurs (des centaines par seconde) signifie un jeu de travail plus grand que la mémoire ou des fichiers projetés froids.',
      ),
      lv(
        'Beaucoup de défauts majeurs : la machine manque de mémoire ou relit sans cesse des fichiers de programmes sur disque.',
        'pgmajfault élevé : croisez avec les lectures de swap et PSI memory ; par processus voyez `ps -o maj_flt` ; ajoutez de la mémoire ou réduisez le jeu de travail.',
      ),
      ['pgfault', 'pgmajfault', 'défaut de page', 'faute de page'],
    ),
    related: ['concept:major-fault'],
  },
  'system.paging.operations': {
    en: text(
      'Paging and swap operations',
      lv(
        'How much data moved between memory and disk: pages swapped in and out, and file data paged in and out.',
        'pswpin/pswpout (pages swapped) and pgpgin/pgpgout (KiB paged from/to block devices, despite the name) from /proc/vmstat.',
      ),
      lv(
        'Page-ins and page-outs follow normal file reading and writing. Swap-ins and swap-outs should be near zero most of the time.',
        'pgpgin/out track block IO and are normal; a sustained pswpin and pswpout together means thrashing.',
      ),
      lv(
        'If swapping happens all the time, the machine does not have enough memory for its work.',
        'Sustained swapping: find the swapped processes (VmSwap), reduce the memory demand or limit it per cgroup; consider zram or faster swap only as a stopgap.',
      ),
      ['pswpin', 'pswpout', 'pgpgin', 'pgpgout', 'swap in', 'swap out', 'thrashing'],
    ),
    fr: text(
      'Opérations de pagination et de swap',
      lv(
        'La quantité de données échangées entre mémoire et disque : pages envoyées vers le swap et relues, et données de fichiers lues et écrites.',
        'pswpin/pswpout (pages échangées avec le swap) et pgpgin/pgpgout (Kio lus et écrits sur les périphériques bloc, malgré le nom) de /proc/vmstat.',
      ),
      lv(
        "Les lectures et écritures de pages suivent l'activité normale des fichiers. Les entrées et sorties de swap doivent rester proches de zéro la plupart du temps.",
        "pgpgin/out suivent les IO bloc et sont normaux ; pswpin et pswpout soutenus ensemble signifient que le système s'écroule sous la pagination (thrashing).",
      ),
      lv(
        "Si le swap travaille sans arrêt, la machine n'a pas assez de mémoire pour son travail.",
        'Swap permanent : trouvez les processus en swap (VmSwap), réduisez la demande de mémoire ou limitez-la par cgroup ; zram ou un swap plus rapide ne sont que des palliatifs.',
      ),
      ['pswpin', 'pswpout', 'pgpgin', 'pgpgout', 'thrashing', 'pagination'],
    ),
  },
  'sysray.memory.reclaim.scanned': {
    en: text(
      'Reclaim: pages scanned',
      lv(
        'How many memory pages the kernel inspected while looking for memory to free.',
        'pgscan_kswapd + pgscan_direct (+ khugepaged), summed over zones, from /proc/vmstat.',
      ),
      'Zero or low on a machine with spare memory. Background scanning (kswapd) is normal when cache fills memory.',
      lv(
        'Heavy scanning means memory is tight; see which programs use the most.',
        'Compare scanned with reclaimed (pgsteal): efficiency well below ~50% or direct reclaim (pgscan_direct) growing means allocations stall; check PSI memory and reduce demand.',
      ),
      ['pgscan', 'kswapd', 'direct reclaim', 'reclaim'],
    ),
    fr: text(
      'Récupération : pages examinées',
      lv(
        'Le nombre de pages mémoire que le noyau a examinées en cherchant de la mémoire à libérer.',
        'pgscan_kswapd + pgscan_direct (+ khugepaged), sommés sur les zones, de /proc/vmstat.',
      ),
      'Nul ou faible sur une machine qui a de la mémoire en réserve. Un balayage de fond (kswapd) est normal quand le cache remplit la mémoire.',
      lv(
        'Beaucoup de balayage signifie que la mémoire est juste ; voyez quels programmes en utilisent le plus.',
        'Comparez pages examinées et récupérées (pgsteal) : une efficacité bien sous ~50 % ou une récupération directe (pgscan_direct) en hausse signifient des allocations qui attendent ; vérifiez PSI memory et réduisez la demande.',
      ),
      ['pgscan', 'kswapd', 'récupération directe', 'reclaim'],
    ),
  },
  'sysray.memory.reclaim.reclaimed': {
    en: text(
      'Reclaim: pages reclaimed',
      lv(
        'How many memory pages the kernel actually freed to make room.',
        'pgsteal_kswapd + pgsteal_direct (+ khugepaged), summed over zones, from /proc/vmstat.',
      ),
      'Reclaiming cache is routine. What matters is the ratio to pages scanned and whether direct reclaim stalls programs.',
      lv(
        'If the kernel keeps freeing memory under strain, the machine needs more memory or less work.',
        'Low reclaimed/scanned ratio: memory is mostly anonymous or hot; expect swapping or OOM; look at PSI memory full.',
      ),
      ['pgsteal', 'reclaim'],
    ),
    fr: text(
      'Récupération : pages récupérées',
      lv(
        'Le nombre de pages mémoire que le noyau a réellement libérées pour faire de la place.',
        'pgsteal_kswapd + pgsteal_direct (+ khugepaged), sommés sur les zones, de /proc/vmstat.',
      ),
      'Récupérer du cache est routinier. Ce qui compte : le rapport aux pages examinées et si la récupération directe bloque des programmes.',
      lv(
        'Si le noyau libère de la mémoire en permanence et avec peine, la machine a besoin de plus de mémoire ou de moins de travail.',
        'Rapport récupérées/examinées faible : la mémoire est surtout anonyme ou chaude ; attendez-vous à du swap ou à l’OOM ; regardez PSI memory full.',
      ),
      ['pgsteal', 'récupération'],
    ),
  },
  'sysray.memory.oom_kills': {
    en: text(
      'OOM kills',
      lv(
        'How many programs the kernel killed because the machine ran out of memory.',
        'oom_kill from /proc/vmstat (Linux 4.13+): invocations of the OOM killer, system-wide and cgroup limits alike.',
      ),
      'Zero. Every increase is a program that was killed.',
      lv(
        'Find which program was killed in the system log, then give it more memory or find why it grew.',
        'Read the kill report in `dmesg`/`journalctl -k` (victim, cgroup, memory state); a cgroup OOM shows in memory.events oom_kill of that cgroup; fix the leak or raise the limit.',
      ),
      ['oom', 'out of memory', 'oom killer', 'killed'],
    ),
    fr: text(
      'Processus tués par l’OOM',
      lv(
        'Le nombre de programmes que le noyau a tués parce que la machine manquait de mémoire.',
        'oom_kill de /proc/vmstat (Linux 4.13+) : déclenchements du tueur OOM, pour tout le système comme pour les limites de cgroups.',
      ),
      'Zéro. Chaque hausse est un programme tué.',
      lv(
        'Trouvez le programme tué dans le journal système, puis donnez-lui plus de mémoire ou trouvez pourquoi il a grossi.',
        'Lisez le rapport dans `dmesg`/`journalctl -k` (victime, cgroup, état mémoire) ; un OOM de cgroup apparaît dans memory.events (oom_kill) de ce cgroup ; corrigez la fuite ou relevez la limite.',
      ),
      ['oom', 'mémoire épuisée', 'oom killer', 'tué'],
    ),
    related: ['concept:oom-kill', 'sysray.cgroup.memory.events'],
  },
} satisfies { readonly [K in MetricName]?: MetricText };
