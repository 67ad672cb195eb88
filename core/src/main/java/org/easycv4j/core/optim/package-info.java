/**
 * Optimizers (AdamW with per-parameter lr scale and weight decay, SGD), the per-parameter rules
 * ({@link org.easycv4j.core.optim.ParamGroups}: paramwise options, layer-wise lr decay) and their table, and
 * gradient utilities (global-norm clipping, finite check, zeroing). Learning-rate schedules live in
 * {@code schedule}.
 */
package org.easycv4j.core.optim;
