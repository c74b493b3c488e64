import type { MetricName } from '@sysray/proto';
import type { MetricText } from '../types.js';
import { lv, text } from './helpers.js';

const TCP_HEALTHY_EN =
  'Read it as a rate and compare with the usual rate for this host; steady is healthy, a jump is a change worth explaining.';
const TCP_HEALTHY_FR =
  "À lire comme un débit et à comparer au débit habituel de cette machine : stable, c'est sain ; un saut est un changement qui mérite une explication.";

export const NETWORK_TEXTS = {
  'system.network.io': {
    en: text(
      'Network bytes received and sent',
      lv(
        'How much data each network interface received and sent since boot; as a rate, the network throughput.',
        'rx_bytes and tx_bytes per interface from /proc/net/dev (the same counters as /sys/class/net/<if>/statistics).',
      ),
      'Comfortably below the link speed (a 1 Gb/s link carries about 118 MB/s at most) or the cloud instance bandwidth.',
      lv(
        'If an interface is close to its limit, find which program sends or receives the most, or move to a faster link.',
        'Near line rate: find the heavy flows (`ss -tin`, `iftop`, `nethogs`); check bond distribution across slaves; instance-level limits in clouds show as drops or throttling, not errors.',
      ),
      ['bandwidth', 'throughput', 'rx', 'tx', 'traffic'],
    ),
    fr: text(
      'Octets réseau reçus et envoyés',
      lv(
        'La quantité de données reçues et envoyées par chaque interface réseau depuis le démarrage ; en débit, le trafic réseau.',
        'rx_bytes et tx_bytes par interface dans /proc/net/dev (les mêmes compteurs que /sys/class/net/<if>/statistics).',
      ),
      "Nettement sous la vitesse du lien (un lien à 1 Gb/s transporte au plus 118 Mo/s environ) ou la bande passante de l'instance cloud.",
      lv(
        'Si une interface est proche de sa limite, trouvez le programme qui envoie ou reçoit le plus, ou passez à un lien plus rapide.',
        "Proche du débit maximal : trouvez les gros flux (`ss -tin`, `iftop`, `nethogs`) ; vérifiez la répartition d'un bond entre ses membres ; dans le cloud, les limites de l'instance se voient en pertes ou en bridage, pas en erreurs.",
      ),
      ['bande passante', 'débit', 'rx', 'tx', 'trafic'],
    ),
  },
  'system.network.packet.count': {
    en: text(
      'Network packets',
      lv(
        'How many packets each interface received and sent since boot.',
        'rx_packets and tx_packets per interface from /proc/net/dev.',
      ),
      'Follows the traffic; bytes divided by packets gives the average packet size (small packets cost more CPU per byte).',
      'A high packet rate with small packets can saturate CPU (softirq) before bandwidth: spread it with RSS/RPS and check interrupt affinity.',
      ['pps', 'packets per second'],
    ),
    fr: text(
      'Paquets réseau',
      lv(
        'Le nombre de paquets reçus et envoyés par chaque interface depuis le démarrage.',
        'rx_packets et tx_packets par interface dans /proc/net/dev.',
      ),
      'Suit le trafic ; les octets divisés par les paquets donnent la taille moyenne des paquets (les petits paquets coûtent plus de CPU par octet).',
      "Un débit élevé de petits paquets peut saturer le CPU (softirq) avant la bande passante : répartissez avec RSS/RPS et vérifiez l'affinité des interruptions.",
      ['pps', 'paquets par seconde'],
    ),
  },
  'system.network.errors': {
    en: text(
      'Network interface errors',
      lv(
        'Packets that arrived or left damaged, counted by the network card and its driver.',
        'rx_errs and tx_errs per interface from /proc/net/dev: CRC and frame errors, FIFO overruns, carrier errors, as the driver reports them.',
      ),
      'Zero, or a count that never moves.',
      lv(
        'Growing errors usually mean a bad cable, port or network card: ask whoever manages the hardware.',
        'Growing errors: `ethtool -S <if>` for the detailed counters; CRC errors point at cabling/optics, carrier errors at link flaps, overruns at ring buffers (`ethtool -g`).',
      ),
      ['errs', 'crc', 'nic errors'],
    ),
    fr: text(
      'Erreurs des interfaces réseau',
      lv(
        'Les paquets arrivés ou partis endommagés, comptés par la carte réseau et son pilote.',
        'rx_errs et tx_errs par interface dans /proc/net/dev : erreurs CRC et de trame, débordements de FIFO, erreurs de porteuse, selon le pilote.',
      ),
      'Zéro, ou un compteur qui ne bouge jamais.',
      lv(
        'Des erreurs qui augmentent signalent en général un câble, un port ou une carte réseau défaillant : prévenez la personne qui gère le matériel.',
        'Erreurs en hausse : `ethtool -S <if>` pour le détail ; les erreurs CRC désignent le câblage ou les optiques, les erreurs de porteuse des coupures de lien, les débordements les tampons circulaires (`ethtool -g`).',
      ),
      ['erreurs', 'crc', 'erreurs carte réseau'],
    ),
  },
  'system.network.packet.dropped': {
    en: text(
      'Dropped packets',
      lv(
        'Packets thrown away without being damaged, usually because something was too full to take them.',
        'rx_drop and tx_drop per interface from /proc/net/dev: full ring buffers or backlog, unknown protocols or VLANs, qdisc drops; meaning varies by driver.',
      ),
      'Near zero. A few drops of unknown protocols (LLDP, IPv6 on an IPv4-only host) are harmless.',
      lv(
        'If drops grow with traffic, the machine cannot keep up with the packet rate.',
        'Rx drops under load: enlarge ring buffers (`ethtool -G`), raise net.core.netdev_max_backlog, spread interrupts (RSS/RPS); `ethtool -S` and /proc/net/softnet_stat tell where.',
      ),
      ['drops', 'packet loss', 'dropped'],
    ),
    fr: text(
      'Paquets abandonnés',
      lv(
        "Les paquets jetés sans être endommagés, en général parce qu'un tampon était trop plein pour les accepter.",
        'rx_drop et tx_drop par interface dans /proc/net/dev : tampons circulaires ou backlog pleins, protocoles ou VLAN inconnus, pertes de qdisc ; le sens varie selon le pilote.',
      ),
      'Proche de zéro. Quelques pertes de protocoles inconnus (LLDP, IPv6 sur une machine IPv4 seule) sont sans gravité.',
      lv(
        'Si les pertes augmentent avec le trafic, la machine ne suit pas le rythme des paquets.',
        'Pertes en réception sous charge : agrandissez les tampons (`ethtool -G`), montez net.core.netdev_max_backlog, répartissez les interruptions (RSS/RPS) ; `ethtool -S` et /proc/net/softnet_stat disent où.',
      ),
      ['pertes', 'paquets perdus', 'drops'],
    ),
  },
  'system.network.connection.count': {
    en: text(
      'Network connections',
      lv(
        'How many network connections exist, by type and state (open, waiting to close, listening…).',
        'Sockets by transport and family from /proc/net/tcp, tcp6, udp and udp6; TCP by state (ESTABLISHED, TIME_WAIT, CLOSE_WAIT, LISTEN, …).',
      ),
      lv(
        'Stable numbers that follow the traffic. A pile of connections waiting to close is a warning sign.',
        'CLOSE_WAIT that keeps growing means an application does not close sockets; tens of thousands of TIME_WAIT mean many short connections (ephemeral port exhaustion risk); SYN_RECV piling up can be a SYN flood.',
      ),
      lv(
        'If one kind keeps growing, find the program owning those connections (`ss -tanp`).',
        'CLOSE_WAIT: fix the application (leaked sockets); TIME_WAIT: use keep-alive or pooling, widen net.ipv4.ip_local_port_range; SYN_RECV: check net.ipv4.tcp_syncookies and the listen backlog.',
      ),
      ['sockets', 'tcp states', 'established', 'time_wait', 'close_wait', 'ss', 'netstat'],
    ),
    fr: text(
      'Connexions réseau',
      lv(
        'Le nombre de connexions réseau, par type et par état (ouvertes, en attente de fermeture, en écoute…).',
        'Sockets par transport et famille dans /proc/net/tcp, tcp6, udp et udp6 ; TCP par état (ESTABLISHED, TIME_WAIT, CLOSE_WAIT, LISTEN, …).',
      ),
      lv(
        "Des nombres stables qui suivent le trafic. Une accumulation de connexions en attente de fermeture est un signal d'alerte.",
        "Un CLOSE_WAIT qui grossit signifie qu'une application ne ferme pas ses sockets ; des dizaines de milliers de TIME_WAIT, beaucoup de connexions courtes (risque d'épuisement des ports éphémères) ; des SYN_RECV qui s'accumulent peuvent être une attaque SYN flood.",
      ),
      lv(
        'Si un type augmente sans cesse, trouvez le programme qui possède ces connexions (`ss -tanp`).',
        'CLOSE_WAIT : corrigez l’application (sockets non fermées) ; TIME_WAIT : keep-alive ou pool de connexions, élargissez net.ipv4.ip_local_port_range ; SYN_RECV : vérifiez net.ipv4.tcp_syncookies et le backlog d’écoute.',
      ),
      ['sockets', 'états tcp', 'established', 'time_wait', 'close_wait', 'ss', 'netstat'],
    ),
  },
  'sysray.network.tcp.connection.opens': {
    en: text(
      'TCP connections opened',
      lv(
        'How many TCP connections this machine started (outgoing) and accepted (incoming) since boot.',
        'ActiveOpens (connect: CLOSED → SYN-SENT) and PassiveOpens (accept: LISTEN → SYN-RCVD) from the Tcp line of /proc/net/snmp.',
      ),
      TCP_HEALTHY_EN,
      lv(
        'A sudden jump means a client or server changed behaviour, or many new users arrived.',
        'A rising open rate without more traffic: clients not reusing connections (no keep-alive, no pool), or a retry storm; check TIME_WAIT counts.',
      ),
      ['activeopens', 'passiveopens', 'connections per second', 'accept', 'connect'],
    ),
    fr: text(
      'Connexions TCP ouvertes',
      lv(
        'Le nombre de connexions TCP que cette machine a lancées (sortantes) et acceptées (entrantes) depuis le démarrage.',
        'ActiveOpens (connect : CLOSED → SYN-SENT) et PassiveOpens (accept : LISTEN → SYN-RCVD) de la ligne Tcp de /proc/net/snmp.',
      ),
      TCP_HEALTHY_FR,
      lv(
        'Un saut soudain signifie qu’un client ou un serveur a changé de comportement, ou que beaucoup de nouveaux utilisateurs sont arrivés.',
        "Un débit d'ouvertures en hausse sans plus de trafic : des clients qui ne réutilisent pas leurs connexions (pas de keep-alive ni de pool), ou une tempête de tentatives ; vérifiez le nombre de TIME_WAIT.",
      ),
      ['activeopens', 'passiveopens', 'connexions par seconde', 'accept', 'connect'],
    ),
  },
  'sysray.network.tcp.connection.failures': {
    en: text(
      'TCP connection attempts failed',
      lv(
        'How many attempts to open a TCP connection failed since boot.',
        'AttemptFails from /proc/net/snmp: SYN-SENT or SYN-RCVD connections that went to CLOSED, plus SYN-RCVD back to LISTEN (refused, reset or timed out handshakes).',
      ),
      'A small fraction of connection opens.',
      lv(
        'Many failures mean this machine tries to reach services that are down or unreachable, or refuses connections itself.',
        'Growing failures: look for refused connections (RST to SYN: nothing listening), firewalls dropping SYNs (timeouts), or a backend pool with dead members; `ss -tan state syn-sent`.',
      ),
      ['attemptfails', 'connection refused', 'connect failed'],
    ),
    fr: text(
      'Tentatives de connexion TCP échouées',
      lv(
        "Le nombre de tentatives d'ouverture de connexion TCP qui ont échoué depuis le démarrage.",
        'AttemptFails de /proc/net/snmp : connexions SYN-SENT ou SYN-RCVD passées à CLOSED, plus les SYN-RCVD revenues à LISTEN (poignées de main refusées, réinitialisées ou expirées).',
      ),
      'Une petite fraction des ouvertures de connexion.',
      lv(
        'Beaucoup d’échecs signifient que la machine tente de joindre des services arrêtés ou injoignables, ou qu’elle refuse elle-même des connexions.',
        'Échecs en hausse : cherchez les connexions refusées (RST en réponse au SYN : rien en écoute), un pare-feu qui jette les SYN (expirations) ou un pool de serveurs avec des membres morts ; `ss -tan state syn-sent`.',
      ),
      ['attemptfails', 'connexion refusée', 'échec de connexion'],
    ),
  },
  'sysray.network.tcp.connection.resets': {
    en: text(
      'TCP connections reset',
      lv(
        'How many open TCP connections were cut abruptly (reset) since boot.',
        'EstabResets from /proc/net/snmp: ESTABLISHED or CLOSE-WAIT connections that went straight to CLOSED on a RST.',
      ),
      TCP_HEALTHY_EN,
      lv(
        'Many resets mean one side is hanging up abruptly: crashing programs, overloaded servers or firewalls timing out idle connections.',
        'Growing resets: check peers restarting, load balancers or NAT gateways expiring idle flows (align keep-alive timers), and applications closing sockets with unread data.',
      ),
      ['estabresets', 'rst', 'connection reset'],
    ),
    fr: text(
      'Connexions TCP réinitialisées',
      lv(
        'Le nombre de connexions TCP ouvertes qui ont été coupées brutalement (reset) depuis le démarrage.',
        'EstabResets de /proc/net/snmp : connexions ESTABLISHED ou CLOSE-WAIT passées directement à CLOSED sur un RST.',
      ),
      TCP_HEALTHY_FR,
      lv(
        "Beaucoup de resets signifient qu'un côté raccroche brutalement : programmes qui plantent, serveurs surchargés ou pare-feu qui coupent les connexions inactives.",
        'Resets en hausse : vérifiez les pairs qui redémarrent, les répartiteurs de charge ou passerelles NAT qui expirent les flux inactifs (alignez les keep-alive), et les applications qui ferment des sockets avec des données non lues.',
      ),
      ['estabresets', 'rst', 'connexion réinitialisée'],
    ),
  },
  'sysray.network.tcp.segments': {
    en: text(
      'TCP segments',
      lv(
        'How many TCP packets were received and sent since boot.',
        'InSegs and OutSegs from /proc/net/snmp (OutSegs excludes retransmissions).',
      ),
      'Follows traffic; it is the denominator for retransmission and error ratios.',
      'Use it to compute the retransmission ratio (RetransSegs / OutSegs); on its own it needs no action.',
      ['insegs', 'outsegs', 'segments'],
    ),
    fr: text(
      'Segments TCP',
      lv(
        'Le nombre de paquets TCP reçus et envoyés depuis le démarrage.',
        'InSegs et OutSegs de /proc/net/snmp (OutSegs exclut les retransmissions).',
      ),
      'Suit le trafic ; c’est le dénominateur des taux de retransmission et d’erreur.',
      "Servez-vous-en pour calculer le taux de retransmission (RetransSegs / OutSegs) ; en soi il n'appelle aucune action.",
      ['insegs', 'outsegs', 'segments'],
    ),
  },
  'sysray.network.tcp.retransmits': {
    en: text(
      'TCP retransmissions',
      lv(
        'How many TCP packets had to be sent again because they were lost or not acknowledged in time.',
        'RetransSegs from /proc/net/snmp: segments retransmitted (timeouts, fast retransmit, tail loss probes).',
      ),
      lv(
        'Under about 1% of the packets sent.',
        'RetransSegs / OutSegs under ~1% on a LAN, a few percent on the internet; bursts align with congestion or a faulty path.',
      ),
      lv(
        'A high share points at a congested or faulty network path; tell whoever runs the network which destinations are affected.',
        'Find the affected peers (`ss -ti` shows retrans per socket); check interface errors and drops on both ends, MTU mismatches, overloaded links or middleboxes; consider BBR for lossy long paths.',
      ),
      ['retrans', 'retransmission', 'packet loss', 'retransmits'],
    ),
    fr: text(
      'Retransmissions TCP',
      lv(
        "Le nombre de paquets TCP qu'il a fallu renvoyer parce qu'ils ont été perdus ou pas acquittés à temps.",
        'RetransSegs de /proc/net/snmp : segments retransmis (expirations, retransmission rapide, sondes de perte en fin de flux).',
      ),
      lv(
        'Moins de 1 % environ des paquets envoyés.',
        'RetransSegs / OutSegs sous ~1 % sur un réseau local, quelques pour cent sur Internet ; les salves coïncident avec une congestion ou un chemin défaillant.',
      ),
      lv(
        'Un taux élevé désigne un chemin réseau encombré ou défaillant ; signalez les destinations touchées à la personne qui gère le réseau.',
        'Trouvez les pairs touchés (`ss -ti` donne les retransmissions par socket) ; vérifiez erreurs et pertes des interfaces aux deux bouts, les MTU incohérentes, les liens ou équipements saturés ; envisagez BBR pour les longs chemins avec pertes.',
      ),
      ['retransmission', 'perte de paquets', 'retrans'],
    ),
  },
  'sysray.network.tcp.receive_errors': {
    en: text(
      'TCP segments received in error',
      lv(
        'TCP packets that arrived damaged or invalid.',
        'InErrs from /proc/net/snmp: segments with bad checksums or other header errors.',
      ),
      'Zero or nearly so.',
      'Growing errors: compare with interface errors; checksum errors with offload enabled can hide a NIC or driver bug (`ethtool -k`), or corrupting middleboxes.',
      ['inerrs', 'checksum'],
    ),
    fr: text(
      'Segments TCP reçus en erreur',
      lv(
        'Les paquets TCP arrivés endommagés ou invalides.',
        'InErrs de /proc/net/snmp : segments à somme de contrôle fausse ou à en-tête invalide.',
      ),
      'Zéro ou presque.',
      "Erreurs en hausse : comparez avec les erreurs d'interface ; des erreurs de somme de contrôle avec le déchargement activé peuvent cacher un défaut de carte ou de pilote (`ethtool -k`), ou un équipement intermédiaire qui corrompt.",
      ['inerrs', 'somme de contrôle'],
    ),
  },
  'sysray.network.tcp.resets_sent': {
    en: text(
      'TCP resets sent',
      lv(
        'How many times this machine abruptly refused or cut a TCP connection.',
        'OutRsts from /proc/net/snmp: segments sent with RST (to closed ports, aborted connections, closing with unread data).',
      ),
      TCP_HEALTHY_EN,
      lv(
        'Many resets usually mean clients connect to a port where nothing listens, or an application aborts connections.',
        'Growing OutRsts: port scans or clients hitting a stopped service (compare with listen drops), applications setting SO_LINGER 0, or closing with unread data.',
      ),
      ['outrsts', 'rst sent'],
    ),
    fr: text(
      'Resets TCP envoyés',
      lv(
        'Le nombre de fois où cette machine a refusé ou coupé brutalement une connexion TCP.',
        'OutRsts de /proc/net/snmp : segments envoyés avec RST (ports fermés, connexions abandonnées, fermeture avec données non lues).',
      ),
      TCP_HEALTHY_FR,
      lv(
        "Beaucoup de resets signifient en général que des clients se connectent sur un port où rien n'écoute, ou qu'une application abandonne des connexions.",
        'OutRsts en hausse : balayage de ports ou clients qui visent un service arrêté (comparez avec les listen drops), applications avec SO_LINGER à 0, ou fermeture avec données non lues.',
      ),
      ['outrsts', 'rst envoyés'],
    ),
  },
  'sysray.network.tcp.listen.overflows': {
    en: text(
      'Listen queue overflows',
      lv(
        'How many times a server program was too slow to accept new connections and its waiting line overflowed.',
        'ListenOverflows from /proc/net/netstat (TcpExt): the accept queue of a listening socket was full when a handshake completed (backlog = min(listen() backlog, net.core.somaxconn)).',
      ),
      'Zero.',
      lv(
        'The server program cannot keep up with new connections: give it more workers or capacity.',
        "Overflows: the application's accept loop is too slow or its backlog too small; raise listen() backlog and net.core.somaxconn, add workers, check the app is not blocked; `ss -ltn` shows Recv-Q (queued) against Send-Q (backlog).",
      ),
      ['listenoverflows', 'accept queue', 'backlog', 'somaxconn'],
    ),
    fr: text(
      "Débordements de la file d'écoute",
      lv(
        "Le nombre de fois où un programme serveur a été trop lent à accepter les nouvelles connexions et où sa file d'attente a débordé.",
        "ListenOverflows de /proc/net/netstat (TcpExt) : la file d'acceptation d'une socket en écoute était pleine à la fin d'une poignée de main (backlog = min(backlog de listen(), net.core.somaxconn)).",
      ),
      'Zéro.',
      lv(
        'Le programme serveur ne suit pas les nouvelles connexions : donnez-lui plus de workers ou de capacité.',
        "Débordements : la boucle accept de l'application est trop lente ou son backlog trop petit ; montez le backlog de listen() et net.core.somaxconn, ajoutez des workers, vérifiez que l'application n'est pas bloquée ; `ss -ltn` montre Recv-Q (en attente) face à Send-Q (backlog).",
      ),
      ['listenoverflows', "file d'acceptation", 'backlog', 'somaxconn'],
    ),
  },
  'sysray.network.tcp.listen.drops': {
    en: text(
      'Listen drops',
      lv(
        'Incoming connection requests that were thrown away by a server socket, including overflows.',
        'ListenDrops from /proc/net/netstat (TcpExt): SYNs or completed handshakes dropped by listening sockets, overflows included, plus other causes (memory, SYN queue).',
      ),
      'Zero.',
      lv(
        'Clients are being turned away: the server is overloaded or its queue too small.',
        'Drops beyond overflows: SYN queue full (net.ipv4.tcp_max_syn_backlog, syncookies), socket memory pressure; see the listen overflows entry for the accept queue.',
      ),
      ['listendrops', 'syn drops', 'syn backlog'],
    ),
    fr: text(
      "Rejets à l'écoute",
      lv(
        'Les demandes de connexion entrantes jetées par une socket serveur, débordements compris.',
        "ListenDrops de /proc/net/netstat (TcpExt) : SYN ou poignées de main terminées jetés par les sockets en écoute, débordements compris, plus d'autres causes (mémoire, file SYN).",
      ),
      'Zéro.',
      lv(
        'Des clients sont refoulés : le serveur est surchargé ou sa file trop petite.',
        "Rejets au-delà des débordements : file SYN pleine (net.ipv4.tcp_max_syn_backlog, syncookies), pression mémoire des sockets ; voir l'entrée des débordements pour la file d'acceptation.",
      ),
      ['listendrops', 'rejets syn', 'backlog syn'],
    ),
  },
  'sysray.network.tcp.timeouts': {
    en: text(
      'TCP retransmission timeouts',
      lv(
        'How many times TCP waited so long for an acknowledgement that it gave up waiting and resent.',
        'TCPTimeouts from /proc/net/netstat (TcpExt): retransmission timer (RTO) expirations, the slow path of loss recovery.',
      ),
      'Low and steady; each timeout stalls that connection for at least 200 ms.',
      lv(
        'Frequent timeouts make applications feel slow; the network path to some peers is losing packets.',
        'Rising RTOs: heavy loss or blackholed paths (MTU issues: check PMTU/ICMP filtering), overloaded peers; per-socket `ss -ti` shows rto and retrans.',
      ),
      ['tcptimeouts', 'rto', 'retransmission timeout'],
    ),
    fr: text(
      'Expirations de retransmission TCP',
      lv(
        "Le nombre de fois où TCP a attendu un acquittement si longtemps qu'il a cessé d'attendre et a renvoyé.",
        'TCPTimeouts de /proc/net/netstat (TcpExt) : expirations du minuteur de retransmission (RTO), la voie lente de la reprise sur perte.',
      ),
      'Faible et stable ; chaque expiration bloque la connexion au moins 200 ms.',
      lv(
        'Des expirations fréquentes rendent les applications lentes ; le chemin réseau vers certains pairs perd des paquets.',
        'RTO en hausse : pertes importantes ou chemins « trous noirs » (problèmes de MTU : vérifiez PMTU et le filtrage ICMP), pairs surchargés ; `ss -ti` par socket montre rto et retrans.',
      ),
      ['tcptimeouts', 'rto', 'expiration'],
    ),
  },
  'sysray.network.udp.datagrams': {
    en: text(
      'UDP datagrams',
      lv(
        'How many UDP packets were received and sent since boot (DNS, NTP, video, metrics…).',
        'InDatagrams and OutDatagrams from the Udp line of /proc/net/snmp.',
      ),
      'Follows the UDP workload; the denominator for UDP error ratios.',
      'Nothing to do on its own; compare errors and buffer drops against it.',
      ['udp', 'datagrams', 'indatagrams', 'outdatagrams'],
    ),
    fr: text(
      'Datagrammes UDP',
      lv(
        'Le nombre de paquets UDP reçus et envoyés depuis le démarrage (DNS, NTP, vidéo, métriques…).',
        'InDatagrams et OutDatagrams de la ligne Udp de /proc/net/snmp.',
      ),
      'Suit la charge UDP ; le dénominateur des taux d’erreur UDP.',
      'Rien à faire en soi ; comparez-y les erreurs et les pertes de tampon.',
      ['udp', 'datagrammes'],
    ),
  },
  'sysray.network.udp.receive_errors': {
    en: text(
      'UDP receive errors',
      lv(
        'UDP packets that could not be delivered to a program for reasons other than a closed port.',
        'InErrors from /proc/net/snmp: bad checksums, full receive buffers (also counted in RcvbufErrors) and other delivery failures.',
      ),
      'Zero or nearly so.',
      'Compare with buffer errors: if they match, receive buffers are too small (see UDP buffer errors); otherwise check checksums and the NIC.',
      ['udp inerrors', 'udp errors'],
    ),
    fr: text(
      'Erreurs de réception UDP',
      lv(
        "Les paquets UDP qui n'ont pas pu être remis à un programme pour une autre raison qu'un port fermé.",
        'InErrors de /proc/net/snmp : sommes de contrôle fausses, tampons de réception pleins (aussi comptés dans RcvbufErrors) et autres échecs de remise.',
      ),
      'Zéro ou presque.',
      'Comparez avec les erreurs de tampon : si elles correspondent, les tampons de réception sont trop petits (voir les erreurs de tampon UDP) ; sinon vérifiez les sommes de contrôle et la carte réseau.',
      ['udp inerrors', 'erreurs udp'],
    ),
  },
  'sysray.network.udp.no_port': {
    en: text(
      'UDP to closed ports',
      lv(
        'UDP packets that arrived for a port where no program was listening.',
        'NoPorts from /proc/net/snmp: datagrams to a port with no socket (answered with ICMP port unreachable, rate limited).',
      ),
      'Low. Some noise from scans and late DNS replies is normal.',
      'A steady rate: a client sends to a service that is not running here (a stopped syslog, statsd or DNS daemon); find the sender with `tcpdump -n udp and not port 53`.',
      ['noports', 'port unreachable'],
    ),
    fr: text(
      'UDP vers des ports fermés',
      lv(
        "Les paquets UDP arrivés sur un port où aucun programme n'écoutait.",
        'NoPorts de /proc/net/snmp : datagrammes vers un port sans socket (réponse ICMP port unreachable, à débit limité).',
      ),
      'Faible. Un peu de bruit dû aux balayages et aux réponses DNS tardives est normal.',
      "Un débit régulier : un client envoie vers un service qui ne tourne pas ici (syslog, statsd ou DNS arrêté) ; trouvez l'émetteur avec `tcpdump -n udp and not port 53`.",
      ['noports', 'port injoignable'],
    ),
  },
  'sysray.network.udp.buffer_errors': {
    en: text(
      'UDP buffer drops',
      lv(
        'UDP packets lost because a program did not read them fast enough and its buffer was full (or the send buffer was full).',
        'RcvbufErrors and SndbufErrors from /proc/net/snmp: datagrams dropped on a full socket receive or send buffer.',
      ),
      'Zero.',
      lv(
        'The receiving program is too slow for the incoming UDP traffic.',
        'Receive drops: the reader is too slow or SO_RCVBUF too small — raise net.core.rmem_max/rmem_default and the socket buffer, add reader threads (SO_REUSEPORT); per socket see `ss -uamp` (drops).',
      ),
      ['rcvbuferrors', 'sndbuferrors', 'udp drops', 'rmem'],
    ),
    fr: text(
      'Pertes UDP sur tampon plein',
      lv(
        "Les paquets UDP perdus parce qu'un programme ne les lisait pas assez vite et que son tampon était plein (ou que le tampon d'envoi l'était).",
        "RcvbufErrors et SndbufErrors de /proc/net/snmp : datagrammes jetés sur un tampon de réception ou d'envoi de socket plein.",
      ),
      'Zéro.',
      lv(
        'Le programme récepteur est trop lent pour le trafic UDP qui arrive.',
        'Pertes en réception : lecteur trop lent ou SO_RCVBUF trop petit — montez net.core.rmem_max/rmem_default et le tampon de la socket, ajoutez des threads de lecture (SO_REUSEPORT) ; par socket, `ss -uamp` (drops).',
      ),
      ['rcvbuferrors', 'sndbuferrors', 'pertes udp', 'rmem'],
    ),
  },
} satisfies { readonly [K in MetricName]?: MetricText };
