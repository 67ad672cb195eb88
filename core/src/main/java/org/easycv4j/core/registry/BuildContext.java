package org.easycv4j.core.registry;

import java.nio.file.Path;

/**
 * What a component type may need besides its settings when it builds a component.
 *
 * @param workDir the run's output folder
 * @param seed the global random seed
 * @param effectiveBatchSize samples per optimizer step over all devices and accumulation steps (for lr
 *     scaling rules such as {@code lr = base_lr * batch / 256})
 * @param dryRun true when the graph is built only to be checked ({@code --dry-run})
 */
public record BuildContext(Path workDir, long seed, int effectiveBatchSize, boolean dryRun) {}
