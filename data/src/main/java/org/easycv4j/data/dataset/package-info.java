/**
 * Datasets (EasyCV's RawDataset and ClsDataset: a data source plus a pipeline) and the multi-threaded,
 * prefetching {@link org.easycv4j.data.dataset.ImageLoader} that batches them.
 */
package org.easycv4j.data.dataset;
