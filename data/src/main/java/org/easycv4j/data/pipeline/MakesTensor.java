package org.easycv4j.data.pipeline;

/**
 * Marks the settings of a transform whose output is the float tensor a batch is made of (ToTensor,
 * MAEFtAugment), so that a dataset's settings can check that their pipeline produces one before anything is built.
 */
public interface MakesTensor {}
