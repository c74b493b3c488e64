import type { CollectorsConfig } from '../collectors/config.js';
import { createLinuxCollectors } from '../collectors/index.js';
import type { AnyCollector } from '../collectors/types.js';
import { createFallbackCollectors } from './fallback/index.js';

/**
 * Linux reads the kernel directly; every other platform gets the systeminformation-based fallback, which
 * fills the baseline sections and marks the Linux-only ones unsupported.
 */
export function createPlatformCollectors(
  config: CollectorsConfig,
  platform: NodeJS.Platform = process.platform,
): AnyCollector[] {
  return platform === 'linux' ? createLinuxCollectors(config) : createFallbackCollectors(config);
}
