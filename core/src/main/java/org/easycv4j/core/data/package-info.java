/**
 * What core knows of data, so that the runner can train on any dataset without knowing one: a dataset, its
 * loader and the batch it yields. Implementations live in the data module (or a plugin).
 */
package org.easycv4j.core.data;
