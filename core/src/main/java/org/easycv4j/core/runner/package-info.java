/**
 * Running an experiment: the parsed configuration ({@link org.easycv4j.core.runner.Experiment}), the
 * {@link org.easycv4j.core.runner.Runner} that builds the components, and the small loops (train step, train and
 * validation loops, optimizer step, data parallelism) that hooks extend. Hooks see a narrow
 * {@link org.easycv4j.core.runner.RunContext}, not the runner, so they cannot depend on its internals.
 */
package org.easycv4j.core.runner;
