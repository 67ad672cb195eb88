/**
 * The built-in hooks (lr updates, text and metrics logging, progress, evaluation, checkpoints): everything
 * around the loops that a config can switch or tune is a hook here rather than code in the loops.
 */
package org.easycv4j.core.runner.hooks;
