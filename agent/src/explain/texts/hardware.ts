import type { MetricName } from '@sysray/proto';
import type { MetricText } from '../types.js';
import { lv, text } from './helpers.js';

const GPU_ACTION_EN = lv(
  'Find which programs use the GPU (`sysray top`, `nvidia-smi`) and whether that work is expected.',
  'Per-process GPU use is in gpu.processes; compare with `nvidia-smi`, `nvtop` or `intel_gpu_top`; check driver messages in `dmesg` (Xid errors on NVIDIA).',
);
const GPU_ACTION_FR = lv(
  'Trouvez les programmes qui utilisent le GPU (`sysray top`, `nvidia-smi`) et voyez si ce travail est attendu.',
  "L'usage du GPU par processus est dans gpu.processes ; comparez avec `nvidia-smi`, `nvtop` ou `intel_gpu_top` ; lisez les messages du pilote dans `dmesg` (erreurs Xid sur NVIDIA).",
);
const THERMAL_ACTION_EN = lv(
  'Check the cooling: fans, airflow, dust, room temperature.',
  'Check fans and airflow, heatsink contact and ambient temperature; sustained heat triggers clock throttling (lower frequency under load) and, past the critical limit, a shutdown.',
);
const THERMAL_ACTION_FR = lv(
  'Vérifiez le refroidissement : ventilateurs, circulation de l’air, poussière, température de la pièce.',
  "Vérifiez ventilateurs et flux d'air, le contact du dissipateur et la température ambiante ; une chaleur durable déclenche un bridage des fréquences (fréquence plus basse sous charge) et, au-delà de la limite critique, un arrêt.",
);
const NETPROC_ACTION_EN = lv(
  'Find the program sending or receiving the most, and whether that traffic is expected.',
  'Cross-check with `ss -tinp` and `nethogs`; per-socket byte counters come from TCP_INFO (bytes_acked/bytes_received), so UDP payload is not counted.',
);
const NETPROC_ACTION_FR = lv(
  'Trouvez le programme qui envoie ou reçoit le plus, et voyez si ce trafic est attendu.',
  "Recoupez avec `ss -tinp` et `nethogs` ; les compteurs d'octets par socket viennent de TCP_INFO (bytes_acked/bytes_received), la charge UDP n'est donc pas comptée.",
);

export const HARDWARE_TEXTS = {
  'hw.gpu.utilization': {
    en: text(
      'GPU utilization',
      lv(
        'How busy each graphics processor (GPU) was recently, from 0 to 1.',
        'NVIDIA: the share of the sample period a kernel was running; amdgpu: gpu_busy_percent; Intel: the busiest engine class from DRM fdinfo. 0..1.',
      ),
      'Depends on the job: training and batch jobs should keep it high; an idle GPU holding memory is waste.',
      GPU_ACTION_EN,
      ['gpu', 'nvidia', 'amd', 'intel', 'cuda', 'graphics'],
    ),
    fr: text(
      'Utilisation du GPU',
      lv(
        'Le taux d’occupation récent de chaque processeur graphique (GPU), de 0 à 1.',
        "NVIDIA : la part de la période d'échantillonnage où un noyau de calcul tournait ; amdgpu : gpu_busy_percent ; Intel : la classe de moteurs la plus occupée d'après le fdinfo DRM. 0..1.",
      ),
      "Dépend du travail : l'entraînement et les traitements par lots doivent la garder haute ; un GPU inactif qui garde de la mémoire est du gaspillage.",
      GPU_ACTION_FR,
      ['gpu', 'carte graphique', 'nvidia', 'amd', 'intel', 'cuda'],
    ),
  },
  'hw.gpu.memory.usage': {
    en: text(
      'GPU memory used',
      lv(
        'How much of the graphics card’s own memory is in use.',
        'nvidia-smi memory.used or amdgpu mem_info_vram_used, bytes; absent on Intel GPUs (no device-wide figure).',
      ),
      'Below the GPU memory size with some headroom; running out makes jobs fail with out-of-memory errors.',
      GPU_ACTION_EN,
      ['vram', 'gpu memory'],
    ),
    fr: text(
      'Mémoire GPU utilisée',
      lv(
        'La part de la mémoire propre de la carte graphique qui est utilisée.',
        "memory.used de nvidia-smi ou mem_info_vram_used d'amdgpu, en octets ; absente sur les GPU Intel (pas de chiffre global).",
      ),
      'Sous la taille de la mémoire GPU avec de la marge ; en manquer fait échouer les travaux avec des erreurs de mémoire insuffisante.',
      GPU_ACTION_FR,
      ['vram', 'mémoire gpu'],
    ),
  },
  'hw.gpu.memory.limit': {
    en: text(
      'GPU memory size',
      lv(
        'The total memory of each graphics card.',
        'nvidia-smi memory.total or amdgpu mem_info_vram_total, bytes.',
      ),
      'A constant of the card.',
      'Nothing to do; compare memory used against it.',
      ['vram size', 'gpu memory total'],
    ),
    fr: text(
      'Taille de la mémoire GPU',
      lv(
        'La mémoire totale de chaque carte graphique.',
        "memory.total de nvidia-smi ou mem_info_vram_total d'amdgpu, en octets.",
      ),
      'Une constante de la carte.',
      'Rien à faire ; comparez-y la mémoire utilisée.',
      ['taille vram', 'mémoire gpu totale'],
    ),
  },
  'hw.gpu.memory.utilization': {
    en: text(
      'GPU memory used share',
      lv(
        'How full the graphics card’s memory is, from 0 to 1.',
        'Memory used / memory total, 0..1 (not NVIDIA utilization.memory, which is memory-controller busy time).',
      ),
      'Under about 0.9 unless the framework deliberately reserves it all (many deep-learning frameworks do).',
      GPU_ACTION_EN,
      ['vram percent'],
    ),
    fr: text(
      'Taux de remplissage de la mémoire GPU',
      lv(
        'Le niveau de remplissage de la mémoire de la carte graphique, de 0 à 1.',
        "Mémoire utilisée / mémoire totale, 0..1 (pas utilization.memory de NVIDIA, qui est le temps d'occupation du contrôleur mémoire).",
      ),
      'Sous 0,9 environ, sauf si le framework réserve délibérément toute la mémoire (beaucoup de frameworks d’apprentissage profond le font).',
      GPU_ACTION_FR,
      ['pourcentage vram'],
    ),
  },
  'hw.errors': {
    en: text(
      'GPU memory errors (ECC)',
      lv(
        'Memory errors the graphics card detected; corrected ones are harmless, uncorrected ones can crash jobs.',
        'Volatile ECC error counts since the driver loaded (nvidia-smi ecc.errors.corrected/uncorrected.volatile.total), GPUs with ECC enabled.',
      ),
      'Uncorrected errors at zero; corrected errors rare and not growing.',
      lv(
        'Uncorrected errors mean the card may be failing: tell whoever manages the hardware.',
        'Uncorrected errors: check retired pages/row remapping (`nvidia-smi -q -d PAGE_RETIREMENT,ROW_REMAPPER`), drain the GPU and reset it; repeated errors mean an RMA.',
      ),
      ['ecc', 'gpu errors', 'xid'],
    ),
    fr: text(
      'Erreurs mémoire du GPU (ECC)',
      lv(
        'Les erreurs de mémoire détectées par la carte graphique ; les corrigées sont sans gravité, les non corrigées peuvent faire planter des travaux.',
        "Compteurs d'erreurs ECC volatils depuis le chargement du pilote (ecc.errors.corrected/uncorrected.volatile.total de nvidia-smi), GPU avec ECC activé.",
      ),
      'Erreurs non corrigées à zéro ; erreurs corrigées rares et stables.',
      lv(
        'Des erreurs non corrigées signifient que la carte est peut-être défaillante : prévenez la personne qui gère le matériel.',
        'Erreurs non corrigées : vérifiez le retrait de pages et le remappage de lignes (`nvidia-smi -q -d PAGE_RETIREMENT,ROW_REMAPPER`), videz le GPU et réinitialisez-le ; des erreurs répétées appellent un retour constructeur.',
      ),
      ['ecc', 'erreurs gpu', 'xid'],
    ),
  },
  'sysray.gpu.memory_controller.utilization': {
    en: text(
      'GPU memory controller busy',
      lv(
        'How busy the graphics card was moving data in and out of its memory, from 0 to 1.',
        'nvidia-smi utilization.memory or amdgpu mem_busy_percent, 0..1.',
      ),
      'High together with low GPU utilization means jobs are limited by memory bandwidth.',
      GPU_ACTION_EN,
      ['memory bandwidth', 'utilization.memory'],
    ),
    fr: text(
      'Occupation du contrôleur mémoire du GPU',
      lv(
        "Le taux d'occupation de la carte graphique à faire entrer et sortir des données de sa mémoire, de 0 à 1.",
        "utilization.memory de nvidia-smi ou mem_busy_percent d'amdgpu, 0..1.",
      ),
      'Élevé avec une faible utilisation du GPU : les travaux sont limités par la bande passante mémoire.',
      GPU_ACTION_FR,
      ['bande passante mémoire', 'utilization.memory'],
    ),
  },
  'sysray.gpu.temperature': {
    en: text(
      'GPU temperature',
      lv(
        'How hot each graphics processor is, in degrees Celsius.',
        'Die temperature from nvidia-smi or the card hwmon (temp1_input / edge sensor), °C.',
      ),
      'Typically under 80–85 °C under load; the card slows itself down near its limit.',
      THERMAL_ACTION_EN,
      ['gpu temp', 'overheating'],
    ),
    fr: text(
      'Température du GPU',
      lv(
        'La température de chaque processeur graphique, en degrés Celsius.',
        'Température de la puce lue par nvidia-smi ou le hwmon de la carte (temp1_input / capteur edge), en °C.',
      ),
      "En général sous 80–85 °C en charge ; la carte ralentit d'elle-même près de sa limite.",
      THERMAL_ACTION_FR,
      ['température gpu', 'surchauffe'],
    ),
  },
  'sysray.gpu.power': {
    en: text(
      'GPU power draw',
      lv(
        'How much electrical power each graphics card is drawing, in watts.',
        'nvidia-smi power.draw or hwmon power1_average/input, watts; Intel discrete GPUs derive it from energy between samples.',
      ),
      'Below the power limit; sitting at the limit under load means the card is power-capped.',
      lv(
        'If the card is always at its power limit, it runs slower than it could.',
        'At the limit: the card lowers clocks (check clocks_throttle_reasons with `nvidia-smi -q -d PERFORMANCE`); raise the limit if cooling and supply allow.',
      ),
      ['watts', 'power', 'gpu power'],
    ),
    fr: text(
      'Consommation du GPU',
      lv(
        'La puissance électrique consommée par chaque carte graphique, en watts.',
        "power.draw de nvidia-smi ou power1_average/input du hwmon, en watts ; pour les GPU Intel dédiés, calculée à partir de l'énergie entre deux échantillons.",
      ),
      'Sous la limite de puissance ; rester à la limite en charge signifie que la carte est bridée en puissance.',
      lv(
        "Si la carte est toujours à sa limite de puissance, elle tourne moins vite qu'elle ne pourrait.",
        "À la limite : la carte baisse ses fréquences (voyez clocks_throttle_reasons avec `nvidia-smi -q -d PERFORMANCE`) ; relevez la limite si le refroidissement et l'alimentation le permettent.",
      ),
      ['watts', 'puissance', 'consommation gpu'],
    ),
  },
  'sysray.gpu.power.limit': {
    en: text(
      'GPU power limit',
      lv(
        'The most power each graphics card is allowed to draw.',
        'nvidia-smi power.limit or hwmon power1_cap/power1_max, watts.',
      ),
      'Set by the vendor or administrator; compare power draw with it.',
      'Change it with `nvidia-smi -pl` or the hwmon power cap, within what cooling and the power supply allow.',
      ['power cap', 'tdp'],
    ),
    fr: text(
      'Limite de puissance du GPU',
      lv(
        'La puissance maximale que chaque carte graphique a le droit de consommer.',
        'power.limit de nvidia-smi ou power1_cap/power1_max du hwmon, en watts.',
      ),
      "Fixée par le constructeur ou l'administrateur ; comparez-y la consommation.",
      "Modifiez-la avec `nvidia-smi -pl` ou le plafond hwmon, dans ce que permettent le refroidissement et l'alimentation.",
      ['plafond de puissance', 'tdp'],
    ),
  },
  'sysray.gpu.energy': {
    en: text(
      'GPU energy',
      lv(
        'How much energy a graphics card consumed since its driver started, in joules.',
        'hwmon energy1_input (i915, xe), microjoules converted to joules; a counter.',
      ),
      'Grows with use; its rate is the power.',
      'Use its rate for power accounting; on its own it needs no action.',
      ['joules', 'energy'],
    ),
    fr: text(
      'Énergie du GPU',
      lv(
        "L'énergie consommée par une carte graphique depuis le démarrage de son pilote, en joules.",
        'energy1_input du hwmon (i915, xe), microjoules convertis en joules ; un compteur.',
      ),
      "Croît avec l'usage ; son débit est la puissance.",
      "Servez-vous de son débit pour la comptabilité énergétique ; en soi il n'appelle aucune action.",
      ['joules', 'énergie'],
    ),
  },
  'sysray.gpu.clock.frequency': {
    en: text(
      'GPU clocks',
      lv(
        'How fast the graphics processor and its memory are currently clocked.',
        'Graphics/SM and memory clocks from nvidia-smi or the DRM sysfs/hwmon files, hertz.',
      ),
      'Near the boost clock under load; lower when idle is normal.',
      lv(
        'Low clocks under load mean the card is too hot or power-limited.',
        'Low clocks under load: check throttle reasons (thermal, power cap, application clocks) with `nvidia-smi -q -d PERFORMANCE,CLOCK`.',
      ),
      ['gpu clock', 'sm clock', 'mhz'],
    ),
    fr: text(
      'Fréquences du GPU',
      lv(
        "La vitesse d'horloge actuelle du processeur graphique et de sa mémoire.",
        'Fréquences graphique/SM et mémoire lues par nvidia-smi ou dans les fichiers DRM sysfs/hwmon, en hertz.',
      ),
      'Proches de la fréquence boost en charge ; plus basses au repos, c’est normal.',
      lv(
        'Des fréquences basses en charge signifient que la carte est trop chaude ou limitée en puissance.',
        'Fréquences basses en charge : vérifiez les raisons du bridage (thermique, plafond de puissance, fréquences applicatives) avec `nvidia-smi -q -d PERFORMANCE,CLOCK`.',
      ),
      ['fréquence gpu', 'horloge sm', 'mhz'],
    ),
  },
  'sysray.gpu.fan.speed_ratio': {
    en: text(
      'GPU fan speed (share)',
      lv(
        'How fast the graphics card fan spins, as a share of its maximum.',
        'nvidia-smi fan.speed, 0..1; absent on passively cooled boards.',
      ),
      'Rises with temperature; near 1 all the time means the card struggles to stay cool.',
      THERMAL_ACTION_EN,
      ['fan', 'gpu fan'],
    ),
    fr: text(
      'Vitesse du ventilateur du GPU (part)',
      lv(
        'La vitesse du ventilateur de la carte graphique, en part de son maximum.',
        'fan.speed de nvidia-smi, 0..1 ; absente sur les cartes à refroidissement passif.',
      ),
      'Monte avec la température ; proche de 1 en permanence, la carte peine à rester fraîche.',
      THERMAL_ACTION_FR,
      ['ventilateur', 'ventilateur gpu'],
    ),
  },
  'sysray.gpu.fan.speed': {
    en: text(
      'GPU fan speed',
      lv(
        'How fast the graphics card fan spins, in revolutions per minute.',
        'fan1_input of the card hwmon, rpm.',
      ),
      'Rises with temperature; 0 on a hot card means a dead fan.',
      THERMAL_ACTION_EN,
      ['rpm', 'fan'],
    ),
    fr: text(
      'Vitesse du ventilateur du GPU',
      lv(
        'La vitesse du ventilateur de la carte graphique, en tours par minute.',
        'fan1_input du hwmon de la carte, en tr/min.',
      ),
      'Monte avec la température ; 0 sur une carte chaude signifie un ventilateur en panne.',
      THERMAL_ACTION_FR,
      ['tr/min', 'rpm', 'ventilateur'],
    ),
  },
  'sysray.gpu.engine.utilization': {
    en: text(
      'GPU engine utilization',
      lv(
        'How busy each kind of engine of the graphics card was (3D, compute, video, copy), from 0 to 1.',
        'Per engine class from DRM fdinfo (drm-engine-*, drm-cycles-*), summed over the clients the agent scanned, AMD and Intel; absent on a first sample.',
      ),
      'Depends on the job: a video transcoder keeps the video engine busy, a compute job the compute engine.',
      GPU_ACTION_EN,
      ['engine', 'render', 'video', 'compute'],
    ),
    fr: text(
      'Utilisation des moteurs du GPU',
      lv(
        "Le taux d'occupation de chaque type de moteur de la carte graphique (3D, calcul, vidéo, copie), de 0 à 1.",
        "Par classe de moteurs d'après le fdinfo DRM (drm-engine-*, drm-cycles-*), sommé sur les clients examinés par l'agent, AMD et Intel ; absente au premier échantillon.",
      ),
      'Dépend du travail : un transcodeur vidéo occupe le moteur vidéo, un calcul le moteur de calcul.',
      GPU_ACTION_FR,
      ['moteur', 'rendu', 'vidéo', 'calcul'],
    ),
  },
  'sysray.gpu.mig.devices': {
    en: text(
      'GPU MIG instances',
      lv(
        'How many separate slices a large NVIDIA GPU has been split into (Multi-Instance GPU).',
        'MIG devices listed by `nvidia-smi -L`, for GPUs with MIG mode enabled.',
      ),
      'Whatever the administrator configured.',
      'Change the layout with `nvidia-smi mig`; a count that differs from the plan means instances were destroyed or not created after a reset.',
      ['mig', 'multi-instance gpu'],
    ),
    fr: text(
      'Instances MIG du GPU',
      lv(
        'Le nombre de tranches séparées en lesquelles un gros GPU NVIDIA a été découpé (Multi-Instance GPU).',
        'Périphériques MIG listés par `nvidia-smi -L`, pour les GPU en mode MIG.',
      ),
      "Ce que l'administrateur a configuré.",
      'Modifiez le découpage avec `nvidia-smi mig` ; un nombre différent du plan signifie que des instances ont été détruites ou pas recréées après une réinitialisation.',
      ['mig', 'multi-instance gpu'],
    ),
  },
  'sysray.gpu.process.utilization': {
    en: text(
      'GPU use per process',
      lv(
        'How much of a graphics card each program kept busy, from 0 to 1.',
        'NVIDIA: SM utilization from one `nvidia-smi pmon` sample; AMD and Intel: the busiest engine class from DRM fdinfo between two samples.',
      ),
      'Matches the jobs you expect on that GPU.',
      GPU_ACTION_EN,
      ['gpu process', 'pmon'],
    ),
    fr: text(
      'Utilisation du GPU par processus',
      lv(
        "La part d'une carte graphique que chaque programme a occupée, de 0 à 1.",
        "NVIDIA : utilisation des SM d'après un échantillon de `nvidia-smi pmon` ; AMD et Intel : la classe de moteurs la plus occupée d'après le fdinfo DRM entre deux échantillons.",
      ),
      'Correspond aux travaux attendus sur ce GPU.',
      GPU_ACTION_FR,
      ['processus gpu', 'pmon'],
    ),
  },
  'sysray.gpu.process.memory.usage': {
    en: text(
      'GPU memory per process',
      lv(
        'How much graphics card memory each program holds.',
        'nvidia-smi compute-apps used_memory, or DRM fdinfo resident bytes summed over memory regions.',
      ),
      'Released when the program ends; memory held by idle programs blocks others.',
      GPU_ACTION_EN,
      ['gpu memory process', 'vram per process'],
    ),
    fr: text(
      'Mémoire GPU par processus',
      lv(
        'La mémoire de carte graphique que chaque programme détient.',
        'used_memory des compute-apps de nvidia-smi, ou octets résidents du fdinfo DRM sommés sur les régions mémoire.',
      ),
      'Libérée à la fin du programme ; la mémoire gardée par des programmes inactifs bloque les autres.',
      GPU_ACTION_FR,
      ['mémoire gpu processus', 'vram par processus'],
    ),
  },
  'hw.temperature': {
    en: text(
      'Hardware temperatures',
      lv(
        'Temperatures measured by the machine’s sensors: processors, disks, graphics cards, the motherboard.',
        'temp<M>_input of every hwmon chip (coretemp, k10temp, nvme, amdgpu, acpitz…), millidegrees converted to °C.',
      ),
      'Well below each sensor’s max/critical limit (CPUs often under 80 °C under load, NVMe drives under 70 °C).',
      THERMAL_ACTION_EN,
      ['temperature', 'hwmon', 'sensors', 'lm-sensors', 'overheating'],
    ),
    fr: text(
      'Températures matérielles',
      lv(
        'Les températures mesurées par les capteurs de la machine : processeurs, disques, cartes graphiques, carte mère.',
        'temp<M>_input de chaque puce hwmon (coretemp, k10temp, nvme, amdgpu, acpitz…), millidegrés convertis en °C.',
      ),
      'Bien sous la limite max/critique de chaque capteur (les CPU souvent sous 80 °C en charge, les disques NVMe sous 70 °C).',
      THERMAL_ACTION_FR,
      ['température', 'hwmon', 'capteurs', 'lm-sensors', 'surchauffe'],
    ),
  },
  'hw.temperature.limit': {
    en: text(
      'Temperature limits',
      lv(
        'The temperatures at which each component starts to protect itself or shuts down.',
        'temp<M>_max and temp<M>_crit of the hwmon sensors, °C.',
      ),
      'Constants set by the hardware; compare temperatures against them.',
      'Nothing to set; if readings approach them, see hardware temperatures.',
      ['critical temperature', 'max temperature'],
    ),
    fr: text(
      'Limites de température',
      lv(
        "Les températures auxquelles chaque composant commence à se protéger ou s'arrête.",
        'temp<M>_max et temp<M>_crit des capteurs hwmon, en °C.',
      ),
      'Des constantes fixées par le matériel ; comparez-y les températures.',
      "Rien à régler ; si les mesures s'en approchent, voir les températures matérielles.",
      ['température critique', 'température max'],
    ),
  },
  'hw.fan.speed': {
    en: text(
      'Fan speeds',
      lv(
        'How fast the machine’s fans spin, in revolutions per minute.',
        'fan<M>_input of the hwmon chips, rpm.',
      ),
      'Non-zero for fans that exist, rising with temperature.',
      'A fan at 0 rpm while components are hot has failed: replace it.',
      ['fan', 'rpm', 'cooling'],
    ),
    fr: text(
      'Vitesse des ventilateurs',
      lv(
        'La vitesse des ventilateurs de la machine, en tours par minute.',
        'fan<M>_input des puces hwmon, en tr/min.',
      ),
      'Non nulle pour les ventilateurs présents, en hausse avec la température.',
      'Un ventilateur à 0 tr/min alors que les composants chauffent est en panne : remplacez-le.',
      ['ventilateur', 'tr/min', 'refroidissement'],
    ),
  },
  'hw.energy': {
    en: text(
      'CPU and memory energy (RAPL)',
      lv(
        'How much energy the processors and memory consumed, in joules, as measured by the processor itself.',
        'energy_uj of the powercap intel-rapl zones (package, core, uncore, dram, psys); wraps at max_energy_range_uj; root-only since Linux 5.10.',
      ),
      'Grows with load; its rate is the power.',
      'Use its rate for power accounting; do not add subzones (core, dram) to their package.',
      ['rapl', 'joules', 'powercap', 'energy'],
    ),
    fr: text(
      'Énergie du processeur et de la mémoire (RAPL)',
      lv(
        "L'énergie consommée par les processeurs et la mémoire, en joules, telle que le processeur la mesure lui-même.",
        'energy_uj des zones powercap intel-rapl (package, core, uncore, dram, psys) ; repart de zéro à max_energy_range_uj ; réservé à root depuis Linux 5.10.',
      ),
      'Croît avec la charge ; son débit est la puissance.',
      "Servez-vous de son débit pour la comptabilité énergétique ; n'additionnez pas les sous-zones (core, dram) à leur package.",
      ['rapl', 'joules', 'powercap', 'énergie'],
    ),
  },
  'hw.power': {
    en: text(
      'CPU and memory power (RAPL)',
      lv(
        'How much power the processors and memory drew recently, in watts.',
        'Δenergy_uj / interval of the RAPL zones, counter wraps accounted for; absent on a first sample.',
      ),
      'Follows the load; near the package TDP under full load.',
      lv(
        'Unexpectedly high power at low load can mean a busy-looping process.',
        'Compare with CPU utilization; high idle power points at C-states disabled (check `cpupower idle-info`) or background load.',
      ),
      ['watts', 'rapl', 'power'],
    ),
    fr: text(
      'Puissance du processeur et de la mémoire (RAPL)',
      lv(
        'La puissance consommée récemment par les processeurs et la mémoire, en watts.',
        'Δenergy_uj / intervalle des zones RAPL, en tenant compte du retour à zéro du compteur ; absente au premier échantillon.',
      ),
      'Suit la charge ; proche du TDP du package à pleine charge.',
      lv(
        'Une puissance élevée alors que la charge est faible peut signaler un processus qui tourne en boucle.',
        "Comparez avec l'utilisation CPU ; une forte puissance au repos désigne des C-states désactivés (`cpupower idle-info`) ou une charge de fond.",
      ),
      ['watts', 'rapl', 'puissance'],
    ),
  },
  'sysray.process.network.io': {
    en: text(
      'Network traffic per process',
      lv(
        'How much TCP data each program received and sent since Sysray first saw it.',
        'Sum of bytes_received/bytes_acked of the TCP sockets a process holds (TCP_INFO via `ss -tinHe`), mapped to pids through /proc/<pid>/fd; payload bytes, TCP only.',
      ),
      'Matches what you expect each service to send and receive.',
      NETPROC_ACTION_EN,
      ['per process network', 'nethogs', 'bandwidth per process'],
    ),
    fr: text(
      'Trafic réseau par processus',
      lv(
        'La quantité de données TCP reçues et envoyées par chaque programme depuis que Sysray l’a vu pour la première fois.',
        'Somme de bytes_received/bytes_acked des sockets TCP détenues par un processus (TCP_INFO via `ss -tinHe`), reliées aux pid par /proc/<pid>/fd ; octets utiles, TCP seulement.',
      ),
      'Correspond à ce que chaque service doit envoyer et recevoir.',
      NETPROC_ACTION_FR,
      ['réseau par processus', 'nethogs', 'débit par processus'],
    ),
  },
  'sysray.process.network.sockets': {
    en: text(
      'Sockets per process',
      lv(
        'How many network connections and UDP sockets each program holds.',
        'Connected TCP sockets and UDP sockets per process, from `ss -tinHe`, /proc/net/udp* and /proc/<pid>/fd.',
      ),
      'Stable for a steady workload.',
      'A count that only grows is a connection leak (compare with open file descriptors and CLOSE_WAIT sockets).',
      ['sockets', 'connections per process'],
    ),
    fr: text(
      'Sockets par processus',
      lv(
        'Le nombre de connexions réseau et de sockets UDP que chaque programme détient.',
        'Sockets TCP connectées et sockets UDP par processus, via `ss -tinHe`, /proc/net/udp* et /proc/<pid>/fd.',
      ),
      'Stable pour une charge régulière.',
      'Un nombre qui ne fait que croître est une fuite de connexions (comparez avec les descripteurs ouverts et les sockets en CLOSE_WAIT).',
      ['sockets', 'connexions par processus'],
    ),
  },
  'sysray.network.sockets.unattributed': {
    en: text(
      'Sockets without a known owner',
      lv(
        'Network sockets Sysray could not tie to any program it can see.',
        "Sockets of the agent's network namespace held by no visible process: orphaned TCP sockets still closing, and sockets of processes a non-root agent may not inspect.",
      ),
      'Small: it bounds how much traffic the per-process figures can miss.',
      'Many unattributed sockets: run the agent as root (or with CAP_SYS_PTRACE) so it can read every /proc/<pid>/fd.',
      ['orphan sockets', 'unattributed'],
    ),
    fr: text(
      'Sockets sans propriétaire connu',
      lv(
        'Les sockets réseau que Sysray n’a pu relier à aucun programme visible.',
        "Sockets de l'espace de noms réseau de l'agent détenues par aucun processus visible : sockets TCP orphelines en cours de fermeture, et sockets de processus qu'un agent non root ne peut pas examiner.",
      ),
      'Faible : il borne le trafic que les chiffres par processus peuvent manquer.',
      "Beaucoup de sockets non attribuées : lancez l'agent en root (ou avec CAP_SYS_PTRACE) pour qu'il puisse lire chaque /proc/<pid>/fd.",
      ['sockets orphelines', 'non attribuées'],
    ),
  },
  'container.network.io': {
    en: text(
      'Container network traffic',
      lv(
        'How much data each container sent and received on its own network interfaces.',
        "rx/tx bytes of each interface in a container's network namespace, read from /proc/<pid>/net/dev of a process inside it.",
      ),
      'Matches what the container is expected to exchange.',
      'Find the heavy container and, inside it, the program (per-process network figures); check for unexpected destinations.',
      ['container traffic', 'namespace', 'pod network'],
    ),
    fr: text(
      'Trafic réseau du conteneur',
      lv(
        'La quantité de données que chaque conteneur a envoyées et reçues sur ses propres interfaces réseau.',
        "Octets rx/tx de chaque interface de l'espace de noms réseau d'un conteneur, lus dans /proc/<pid>/net/dev d'un processus qui s'y trouve.",
      ),
      'Correspond à ce que le conteneur doit échanger.',
      'Trouvez le conteneur le plus gourmand puis, dedans, le programme (chiffres réseau par processus) ; cherchez des destinations inattendues.',
      ['trafic conteneur', 'espace de noms', 'réseau du pod'],
    ),
  },
  'sysray.container.network.packet.dropped': {
    en: text(
      'Container packet drops',
      lv(
        'Packets lost on a container’s network interfaces.',
        "rx/tx drops of each interface in a container's network namespace (/proc/<pid>/net/dev).",
      ),
      'Near zero.',
      'Drops on a veth usually mean the container does not read fast enough (socket buffers) or a traffic-shaping limit; compare with the host side of the veth.',
      ['container drops', 'veth drops'],
    ),
    fr: text(
      'Paquets perdus par le conteneur',
      lv(
        'Les paquets perdus sur les interfaces réseau d’un conteneur.',
        "Pertes rx/tx de chaque interface de l'espace de noms réseau d'un conteneur (/proc/<pid>/net/dev).",
      ),
      'Proche de zéro.',
      'Des pertes sur un veth signifient en général que le conteneur ne lit pas assez vite (tampons de socket) ou une limite de mise en forme du trafic ; comparez avec le côté hôte du veth.',
      ['pertes conteneur', 'pertes veth'],
    ),
  },
} satisfies { readonly [K in MetricName]?: MetricText };
