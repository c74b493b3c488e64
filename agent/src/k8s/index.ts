export {
  createPodResolver,
  nodeNameFromEnv,
  type PodResolver,
  type PodResolverOptions,
  type PodResolverStatus,
  type ResolverEnv,
} from './pod-resolver.js';
export {
  DEFAULT_EXCLUDED_POD_LABELS,
  defaultPodLabelFilter,
  deploymentOfReplicaSet,
  podAttributes,
  podInfoFromObject,
  workloadOf,
  type PodInfo,
  type PodLabelFilter,
  type PodObject,
  type PodOwner,
  type WorkloadKind,
} from './pods.js';
export {
  inClusterEndpoint,
  KubeApiClient,
  KubeApiError,
  SERVICE_ACCOUNT_DIR,
  type KubeApiEndpoint,
  type WatchEvent,
} from './api-client.js';
