/**
 * WebDataset-format tar shards: each sample a run of members {@code KEY.EXT} (an encoded image, {@code KEY.cls}),
 * as timm, OpenCLIP and the MAE follow-ups stream them from shared disks and object storage.
 */
package org.easycv4j.data.shards;
