import type { MetricName } from '@sysray/proto';
import type { MetricText } from '../types.js';
import { lv, text } from './helpers.js';

const DISK_ACTION_EN = lv(
  'Find which programs read and write the most (`sysray top --sort io`) and whether the disk is simply too slow for them.',
  'Correlate with await, utilization and queue depth (`iostat -x 1`); per process use io read/write bytes, per container io.stat; check the device health (SMART, `nvme smart-log`) and the IO scheduler.',
);
const DISK_ACTION_FR = lv(
  'Trouvez les programmes qui lisent et écrivent le plus (`sysray top --sort io`) et voyez si le disque est tout simplement trop lent pour eux.',
  "Croisez avec la latence (await), l'occupation et la profondeur de file (`iostat -x 1`) ; par processus, les octets lus/écrits, par conteneur io.stat ; vérifiez la santé du périphérique (SMART, `nvme smart-log`) et l'ordonnanceur d'IO.",
);

const FS_ACTION_EN = lv(
  'Free space: delete or move old files, logs and caches, or grow the filesystem.',
  'Find the growth with `du -xh --max-depth=2` or `ncdu -x`; check deleted-but-open files (`lsof +L1`), log rotation, container images and volumes; grow the volume or add retention.',
);
const FS_ACTION_FR = lv(
  'Libérez de la place : supprimez ou déplacez les vieux fichiers, journaux et caches, ou agrandissez le système de fichiers.',
  'Trouvez ce qui grossit avec `du -xh --max-depth=2` ou `ncdu -x` ; vérifiez les fichiers supprimés mais encore ouverts (`lsof +L1`), la rotation des journaux, les images et volumes de conteneurs ; agrandissez le volume ou ajoutez une rétention.',
);

export const STORAGE_TEXTS = {
  'system.disk.io': {
    en: text(
      'Disk bytes read and written',
      lv(
        'How much data was read from and written to each disk since boot; as a rate, the disk throughput.',
        'Sectors read and written (fields 6 and 10 of /proc/diskstats) × 512 bytes, per block device, whatever its logical block size.',
      ),
      'Well below what the device can sustain (a SATA SSD around 500 MB/s, NVMe several GB/s, a cloud volume its provisioned throughput).',
      DISK_ACTION_EN,
      ['disk throughput', 'bandwidth', 'read bytes', 'write bytes', 'iostat'],
    ),
    fr: text(
      'Octets lus et écrits sur disque',
      lv(
        'La quantité de données lues et écrites sur chaque disque depuis le démarrage ; en débit, le trafic du disque.',
        'Secteurs lus et écrits (champs 6 et 10 de /proc/diskstats) × 512 octets, par périphérique bloc, quelle que soit sa taille de bloc logique.',
      ),
      'Bien en dessous de ce que le périphérique peut tenir (un SSD SATA vers 500 Mo/s, un NVMe plusieurs Go/s, un volume cloud son débit provisionné).',
      DISK_ACTION_FR,
      ['débit disque', 'bande passante', 'octets lus', 'octets écrits', 'iostat'],
    ),
    related: ['system.disk.io_time', 'field:disk-await'],
  },
  'system.disk.operations': {
    en: text(
      'Disk operations',
      lv(
        'How many read and write requests each disk completed since boot; as a rate, the IOPS.',
        'Reads and writes completed (fields 4 and 8 of /proc/diskstats) per block device.',
      ),
      'Below the device IOPS rating (hundreds for a hard disk, tens of thousands for SSDs, the provisioned IOPS of a cloud volume).',
      DISK_ACTION_EN,
      ['iops', 'reads', 'writes', 'requests'],
    ),
    fr: text(
      'Opérations disque',
      lv(
        "Le nombre de requêtes de lecture et d'écriture terminées par chaque disque depuis le démarrage ; en débit, les IOPS.",
        'Lectures et écritures terminées (champs 4 et 8 de /proc/diskstats) par périphérique bloc.',
      ),
      'Sous les IOPS nominales du périphérique (des centaines pour un disque dur, des dizaines de milliers pour un SSD, les IOPS provisionnées d’un volume cloud).',
      DISK_ACTION_FR,
      ['iops', 'lectures', 'écritures', 'requêtes'],
    ),
  },
  'system.disk.io_time': {
    en: text(
      'Disk busy time',
      lv(
        'How long each disk had work in progress; as a share of time, how busy the disk was.',
        'Milliseconds with at least one request in flight (field 13 of /proc/diskstats, io_ticks); as a rate it is %util. Parallel requests are not counted twice.',
      ),
      lv(
        'A disk busy less than about 70% of the time responds quickly.',
        '%util near 100% is saturation for a single-queue hard disk, but SSDs and NVMe serve many requests in parallel and can be fine at 100%: judge by await and queue depth.',
      ),
      DISK_ACTION_EN,
      ['util', 'utilization', 'io_ticks', 'busy', '%util'],
    ),
    fr: text(
      'Temps d’occupation du disque',
      lv(
        'Le temps pendant lequel chaque disque avait du travail en cours ; en part du temps, son taux d’occupation.',
        'Millisecondes avec au moins une requête en vol (champ 13 de /proc/diskstats, io_ticks) ; en débit, c’est le %util. Les requêtes parallèles ne comptent pas deux fois.',
      ),
      lv(
        'Un disque occupé moins de 70 % du temps environ répond vite.',
        '%util proche de 100 % est une saturation pour un disque dur à file unique, mais SSD et NVMe servent beaucoup de requêtes en parallèle et peuvent aller bien à 100 % : jugez sur la latence et la profondeur de file.',
      ),
      DISK_ACTION_FR,
      ['util', 'occupation', 'io_ticks', '%util'],
    ),
    related: ['field:disk-utilization', 'field:disk-await'],
  },
  'system.disk.operation_time': {
    en: text(
      'Disk operation time',
      lv(
        'The total time read and write requests spent waiting and being served; divided by the number of requests, the average response time.',
        'Milliseconds spent on reads and writes (fields 7 and 11 of /proc/diskstats), summed over requests, so parallel requests each count. Δtime / Δoperations = await.',
      ),
      'Average response time under a few milliseconds for SSDs, under about 20 ms for hard disks.',
      DISK_ACTION_EN,
      ['await', 'latency', 'read time', 'write time', 'response time'],
    ),
    fr: text(
      'Temps des opérations disque',
      lv(
        "Le temps total que les requêtes de lecture et d'écriture ont passé à attendre et à être servies ; divisé par le nombre de requêtes, le temps de réponse moyen.",
        'Millisecondes passées en lectures et écritures (champs 7 et 11 de /proc/diskstats), sommées par requête : les requêtes parallèles comptent chacune. Δtemps / Δopérations = await.',
      ),
      'Temps de réponse moyen de quelques millisecondes au plus pour un SSD, sous 20 ms environ pour un disque dur.',
      DISK_ACTION_FR,
      ['await', 'latence', 'temps de réponse'],
    ),
    related: ['field:disk-await'],
  },
  'system.disk.merged': {
    en: text(
      'Merged disk requests',
      lv(
        'How many requests were combined with neighbouring ones before reaching the disk (which makes the IO more efficient).',
        'Reads and writes merged (fields 5 and 9 of /proc/diskstats): adjacent requests the block layer joined into one.',
      ),
      'Any value; merging is a sign of sequential IO and is good.',
      'Nothing to fix by itself; very few merges with many small requests means random IO, which suits SSDs better than hard disks.',
      ['merges', 'rrqm', 'wrqm'],
    ),
    fr: text(
      'Requêtes disque fusionnées',
      lv(
        'Le nombre de requêtes combinées avec des requêtes voisines avant d’atteindre le disque (ce qui rend les IO plus efficaces).',
        'Lectures et écritures fusionnées (champs 5 et 9 de /proc/diskstats) : requêtes adjacentes que la couche bloc a regroupées.',
      ),
      'Toute valeur ; la fusion est le signe d’IO séquentielles, et c’est bien.',
      'Rien à corriger en soi ; très peu de fusions avec beaucoup de petites requêtes signifie des IO aléatoires, qui conviennent mieux aux SSD qu’aux disques durs.',
      ['fusion', 'rrqm', 'wrqm'],
    ),
  },
  'system.disk.limit': {
    en: text(
      'Disk size',
      lv(
        'The capacity of each disk.',
        'Size from /sys/block/<dev>/size in 512-byte sectors, converted to bytes.',
      ),
      'A constant of the device; it changes only when a volume is resized.',
      'If a grown cloud volume still shows the old size, rescan the device (`echo 1 > /sys/block/<dev>/device/rescan`) and grow the partition and filesystem.',
      ['capacity', 'disk size'],
    ),
    fr: text(
      'Taille du disque',
      lv(
        'La capacité de chaque disque.',
        'Taille lue dans /sys/block/<dev>/size en secteurs de 512 octets, convertie en octets.',
      ),
      "Une constante du périphérique ; elle ne change que lorsqu'un volume est redimensionné.",
      'Si un volume cloud agrandi montre encore l’ancienne taille, relancez la détection (`echo 1 > /sys/block/<dev>/device/rescan`) puis agrandissez la partition et le système de fichiers.',
      ['capacité', 'taille disque'],
    ),
  },
  'sysray.disk.pending_operations': {
    en: text(
      'Disk requests in flight',
      lv(
        'How many requests the disk is working on right now.',
        'Field 12 of /proc/diskstats: requests issued to the driver and not yet completed, a level sampled at collection time.',
      ),
      'Low single digits on a hard disk; SSDs and NVMe handle dozens in parallel.',
      DISK_ACTION_EN,
      ['in flight', 'queue', 'inflight', 'outstanding'],
    ),
    fr: text(
      'Requêtes disque en cours',
      lv(
        'Le nombre de requêtes que le disque traite en ce moment.',
        'Champ 12 de /proc/diskstats : requêtes transmises au pilote et pas encore terminées, un niveau lu au moment de la collecte.',
      ),
      'Quelques unités sur un disque dur ; SSD et NVMe en traitent des dizaines en parallèle.',
      DISK_ACTION_FR,
      ['en vol', 'file', 'inflight'],
    ),
  },
  'sysray.disk.weighted_io_time': {
    en: text(
      'Weighted disk IO time',
      lv(
        'Disk busy time multiplied by how many requests were waiting; as a rate, the average queue length.',
        'Field 14 of /proc/diskstats: time with requests in flight weighted by their number. Its rate is the average queue depth (aqu-sz in iostat).',
      ),
      'An average queue around the number of requests the device handles in parallel (about 1 for a hard disk) or less.',
      DISK_ACTION_EN,
      ['aqu-sz', 'avgqu-sz', 'queue depth', 'queue length'],
    ),
    fr: text(
      'Temps d’IO pondéré',
      lv(
        "Le temps d'occupation du disque multiplié par le nombre de requêtes en attente ; en débit, la longueur moyenne de la file.",
        'Champ 14 de /proc/diskstats : temps avec des requêtes en vol, pondéré par leur nombre. Son débit est la profondeur de file moyenne (aqu-sz dans iostat).',
      ),
      'Une file moyenne de l’ordre du nombre de requêtes que le périphérique traite en parallèle (environ 1 pour un disque dur), ou moins.',
      DISK_ACTION_FR,
      ['aqu-sz', 'profondeur de file', 'longueur de file'],
    ),
    related: ['field:disk-queue-depth'],
  },
  'sysray.disk.discard.operations': {
    en: text(
      'Discard (TRIM) requests',
      lv(
        'How many times the system told an SSD which blocks are no longer used.',
        'Discards completed (field 15 of /proc/diskstats, Linux 4.18+): TRIM/UNMAP requests from `fstrim` or the `discard` mount option.',
      ),
      'Bursts when fstrim runs (weekly by default with fstrim.timer), or a steady trickle with online discard.',
      'If SSD write performance degrades over time and discards stay at zero, enable `fstrim.timer` or check that the storage stack passes discards through (LVM, dm-crypt `allow_discards`).',
      ['trim', 'discard', 'fstrim', 'unmap'],
    ),
    fr: text(
      'Requêtes discard (TRIM)',
      lv(
        'Le nombre de fois où le système a indiqué à un SSD quels blocs ne servent plus.',
        'Discards terminés (champ 15 de /proc/diskstats, Linux 4.18+) : requêtes TRIM/UNMAP venant de `fstrim` ou de l’option de montage `discard`.',
      ),
      'Des salves quand fstrim passe (chaque semaine par défaut avec fstrim.timer), ou un filet continu avec le discard en ligne.',
      'Si les écritures du SSD ralentissent avec le temps et que les discards restent à zéro, activez `fstrim.timer` ou vérifiez que la pile de stockage laisse passer les discards (LVM, `allow_discards` de dm-crypt).',
      ['trim', 'discard', 'fstrim'],
    ),
  },
  'sysray.disk.discard.io': {
    en: text(
      'Bytes discarded (TRIM)',
      lv(
        'How much space was reported to the SSD as unused.',
        'Sectors discarded (field 17 of /proc/diskstats, Linux 4.18+) × 512 bytes.',
      ),
      'Roughly the amount of data deleted between two fstrim runs.',
      'See the discard requests entry: no discards on an SSD that deletes data means TRIM is not reaching the device.',
      ['trim bytes', 'discard bytes'],
    ),
    fr: text(
      'Octets libérés par discard (TRIM)',
      lv(
        'La quantité d’espace signalée au SSD comme inutilisée.',
        'Secteurs libérés (champ 17 de /proc/diskstats, Linux 4.18+) × 512 octets.',
      ),
      'À peu près la quantité de données supprimées entre deux passages de fstrim.',
      "Voir l'entrée des requêtes discard : aucun discard sur un SSD où l'on supprime des données signifie que le TRIM n'atteint pas le périphérique.",
      ['octets trim', 'discard'],
    ),
  },
  'sysray.disk.flush.operations': {
    en: text(
      'Cache flush requests',
      lv(
        'How many times the system asked a disk to empty its write cache to permanent storage (what databases do to make data safe).',
        'Flushes completed (field 19 of /proc/diskstats, Linux 5.5+): REQ_PREFLUSH requests, from fsync, journal commits and barriers.',
      ),
      'Proportional to fsync-heavy work (databases, journaling); consumer SSDs without power-loss protection make each flush slow.',
      lv(
        'If a database is slow and flushes are frequent, the disk may not be suited to it.',
        'High flush rate with high flush time: group commits (database settings), use drives with power-loss protection, or check that a RAID controller cache is battery-backed.',
      ),
      ['fsync', 'flush', 'barrier', 'write cache'],
    ),
    fr: text(
      'Requêtes de vidage du cache',
      lv(
        "Le nombre de fois où le système a demandé à un disque de vider son cache d'écriture vers le support permanent (ce que font les bases de données pour mettre les données à l'abri).",
        'Vidages terminés (champ 19 de /proc/diskstats, Linux 5.5+) : requêtes REQ_PREFLUSH issues de fsync, des validations de journal et des barrières.',
      ),
      'Proportionnel au travail riche en fsync (bases de données, journalisation) ; les SSD grand public sans protection contre les coupures rendent chaque vidage lent.',
      lv(
        'Si une base de données est lente et que les vidages sont fréquents, le disque ne lui convient peut-être pas.',
        'Beaucoup de vidages et un temps de vidage élevé : regroupez les validations (réglages de la base), utilisez des disques avec protection contre les coupures, ou vérifiez que le cache du contrôleur RAID est secouru par batterie.',
      ),
      ['fsync', 'vidage', 'barrière', "cache d'écriture"],
    ),
  },
  'system.filesystem.usage': {
    en: text(
      'Filesystem space',
      lv(
        'How much space each mounted filesystem uses, how much is free for users, and how much is kept aside for the administrator.',
        'statfs(2) per mount: used = (blocks − bfree) × bsize, free to users = bavail × bsize, reserved = (bfree − bavail) × bsize (ext4 keeps 5% for root by default).',
      ),
      'Under about 80–85% used; above, writes can fail soon and some filesystems slow down (fragmentation, copy-on-write).',
      FS_ACTION_EN,
      ['df', 'disk space', 'free space', 'full disk', 'filesystem'],
    ),
    fr: text(
      'Espace des systèmes de fichiers',
      lv(
        "L'espace occupé sur chaque système de fichiers monté, l'espace libre pour les utilisateurs, et celui réservé à l'administrateur.",
        'statfs(2) par montage : utilisé = (blocks − bfree) × bsize, libre pour les utilisateurs = bavail × bsize, réservé = (bfree − bavail) × bsize (ext4 garde 5 % pour root par défaut).',
      ),
      "Sous 80–85 % d'occupation environ ; au-delà, les écritures peuvent bientôt échouer et certains systèmes de fichiers ralentissent (fragmentation, copie sur écriture).",
      FS_ACTION_FR,
      ['df', 'espace disque', 'espace libre', 'disque plein', 'système de fichiers'],
    ),
    related: ['system.filesystem.utilization', 'concept:inodes'],
  },
  'system.filesystem.utilization': {
    en: text(
      'Filesystem used share',
      lv(
        'How full each filesystem is, from 0 (empty) to 1 (full), the way `df` shows it.',
        'used / (used + available), as df computes Use%: the root-reserved blocks are left out of the denominator, so 1 means full for ordinary users.',
      ),
      'Under about 0.8–0.85. Watch the trend: hours until full matters more than the level.',
      FS_ACTION_EN,
      ['df', 'use%', 'disk full', 'percent used'],
    ),
    fr: text(
      'Taux de remplissage',
      lv(
        'Le niveau de remplissage de chaque système de fichiers, de 0 (vide) à 1 (plein), comme l’affiche `df`.',
        'used / (used + available), comme le Use% de df : les blocs réservés à root sont hors du dénominateur, donc 1 veut dire plein pour les utilisateurs ordinaires.',
      ),
      "Sous 0,8–0,85 environ. Surveillez la tendance : le nombre d'heures avant saturation compte plus que le niveau.",
      FS_ACTION_FR,
      ['df', 'use%', 'disque plein', 'pourcentage'],
    ),
  },
  'system.filesystem.limit': {
    en: text(
      'Filesystem size',
      lv(
        'The total size of each mounted filesystem.',
        'blocks × bsize from statfs(2), including root-reserved blocks.',
      ),
      'A constant until the filesystem is resized.',
      'If it is smaller than the disk or volume, the partition or filesystem was not grown after the volume was (`growpart`, `resize2fs`, `xfs_growfs`).',
      ['filesystem size', 'capacity'],
    ),
    fr: text(
      'Taille du système de fichiers',
      lv(
        'La taille totale de chaque système de fichiers monté.',
        'blocks × bsize d’après statfs(2), blocs réservés à root compris.',
      ),
      "Constante jusqu'à un redimensionnement.",
      "S'il est plus petit que le disque ou le volume, la partition ou le système de fichiers n'a pas été agrandi après le volume (`growpart`, `resize2fs`, `xfs_growfs`).",
      ['taille', 'capacité'],
    ),
  },
  'sysray.filesystem.inodes.usage': {
    en: text(
      'Inodes used and free',
      lv(
        'How many file entries each filesystem has used. A filesystem can run out of these before it runs out of space, when it holds millions of tiny files.',
        'files − ffree and ffree from statfs(2). Filesystems that allocate inodes dynamically (btrfs, XFS mostly) or have none (vfat) report little or nothing.',
      ),
      'Under about 80% of inodes used.',
      lv(
        'If inodes run out, find the directory with huge numbers of small files (caches, mail queues, session files) and clean it.',
        'Out of inodes ("No space left on device" with free space): count files per directory (`du --inodes -x`), clean the culprit; ext4 inode count is fixed at mkfs time (`-i`/`-N`).',
      ),
      ['inodes', 'df -i', 'ifree', 'too many files'],
    ),
    fr: text(
      'Inodes utilisés et libres',
      lv(
        "Le nombre d'entrées de fichiers utilisées sur chaque système de fichiers. On peut en manquer avant de manquer de place, quand il contient des millions de petits fichiers.",
        'files − ffree et ffree d’après statfs(2). Les systèmes de fichiers à inodes dynamiques (btrfs, XFS en grande partie) ou sans inodes (vfat) rapportent peu ou rien.',
      ),
      'Moins de 80 % environ des inodes utilisés.',
      lv(
        "S'il n'y a plus d'inodes, trouvez le répertoire qui contient énormément de petits fichiers (caches, files de courrier, fichiers de session) et nettoyez-le.",
        "Plus d'inodes (« No space left on device » avec de la place libre) : comptez les fichiers par répertoire (`du --inodes -x`) et nettoyez le coupable ; sur ext4 le nombre d'inodes est fixé au mkfs (`-i`/`-N`).",
      ),
      ['inodes', 'df -i', 'trop de fichiers'],
    ),
    related: ['concept:inodes'],
  },
  'sysray.filesystem.failed': {
    en: text(
      'Filesystems that did not answer',
      lv(
        'Mounted filesystems whose size could not be read, usually a network share that stopped responding.',
        'Mounts whose statfs(2) failed or exceeded the collector timeout (a hung NFS/CIFS server); each is reported with its error instead of being dropped.',
      ),
      'None.',
      lv(
        'Check that the network file server is reachable; programs touching that mount may hang until it answers.',
        'A hung mount: check the server and network path; `umount -f -l` as a last resort; consider `soft`/`timeo` options or automount for non-critical NFS mounts.',
      ),
      ['stale nfs', 'hung mount', 'statfs', 'nfs'],
    ),
    fr: text(
      "Systèmes de fichiers qui n'ont pas répondu",
      lv(
        "Les systèmes de fichiers montés dont la taille n'a pas pu être lue, en général un partage réseau qui ne répond plus.",
        "Montages dont statfs(2) a échoué ou dépassé le délai du collecteur (serveur NFS/CIFS bloqué) ; chacun est signalé avec son erreur au lieu d'être ignoré.",
      ),
      'Aucun.',
      lv(
        "Vérifiez que le serveur de fichiers est joignable ; les programmes qui touchent ce montage peuvent rester bloqués jusqu'à ce qu'il réponde.",
        'Montage bloqué : vérifiez le serveur et le chemin réseau ; `umount -f -l` en dernier recours ; envisagez les options `soft`/`timeo` ou l’automontage pour les montages NFS non critiques.',
      ),
      ['nfs bloqué', 'montage bloqué', 'statfs', 'nfs'],
    ),
  },
} satisfies { readonly [K in MetricName]?: MetricText };
