/**
 * Data sources (registry kind "data source"): where samples come from. EasyCV's SSLSourceImageList,
 * ClsSourceImageList, ClsSourceImageNet1k, ClsSourceCifar10 and ClsSourceCifar100, plus ClsSourceImageFolder and
 * ClsSourceIdx (MNIST-style IDX files).
 * Bad samples are reported, skipped and counted against a budget ({@link org.easycv4j.data.source.BadSamples}).
 */
package org.easycv4j.data.source;
