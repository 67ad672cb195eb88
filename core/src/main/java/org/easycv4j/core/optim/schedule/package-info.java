/**
 * Learning-rate schedules (registry kind "lr schedule", mmcv's {@code lr_config} policies) and the warmup they
 * share; a schedule is a pure function of the iteration, so a resumed run gets the same lr.
 */
package org.easycv4j.core.optim.schedule;
