/**
 * What core knows of a model, so that the runner, checkpoints and optimizer rules work with any network: a
 * {@link org.easycv4j.core.model.TaskModel} (a block plus the task that turns a batch into a loss), its
 * parameters under stable timm-style names, and what an export of it holds. Networks live in the models module.
 */
package org.easycv4j.core.model;
